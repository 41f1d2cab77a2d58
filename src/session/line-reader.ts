import { isUtf8 } from 'node:buffer';

/**
 * Frames the control connection into command lines.
 *
 * - TCP is a stream: a command may arrive in several chunks and one chunk may hold
 *   several commands, so bytes are buffered until a line end.
 * - A line ends at CRLF, bare LF or bare CR. Bare CR matters: ftplib sends
 *   `ABOR\r\n` with MSG_OOB, the kernel pulls the urgent `\n` out of the stream,
 *   and only `ABOR\r` arrives.
 * - Telnet IAC sequences (IP, DM, option negotiation, subnegotiation) are removed;
 *   `IAC IAC` is a literal 0xFF byte. An IAC followed by an ordinary byte is the
 *   trace of a Data Mark that went out of band, so only the IAC is dropped.
 * - A line longer than `maxLength` is discarded and reported once it ends;
 *   memory stays bounded however long it gets.
 */
const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;
const CR = 0x0d;
const LF = 0x0a;

const enum Telnet {
  Data,
  Command,
  Option,
  Sub,
  SubCommand,
}

/**
 * The handler methods' keys. Symbols, not names: the session is its own
 * handler (no handler object or closures per connection), and a host holding
 * a session must not find a method that feeds it command lines.
 */
export const ON_LINE = Symbol('ftpkit.onLine');
export const ON_OVERFLOW = Symbol('ftpkit.onOverflow');

/** Who reads the lines. */
export interface LineReaderHandlers {
  [ON_LINE](line: string): void;
  /** A line longer than the limit ended; its content was dropped. */
  [ON_OVERFLOW](length: number): void;
}

export class LineReader {
  encoding: BufferEncoding = 'utf8';
  private telnet = Telnet.Data;
  private afterCR = false;
  private parts: Buffer[] = [];
  private length = 0;
  private overflowing = false;

  constructor(
    private readonly maxLength: number,
    private readonly handlers: LineReaderHandlers,
  ) {}

  /** Forgets the line being read (AUTH TLS: what came in the clear must not run inside TLS). */
  reset(): void {
    this.telnet = Telnet.Data;
    this.afterCR = false;
    this.parts = [];
    this.length = 0;
    this.overflowing = false;
  }

  /** Bytes of the line being read but not yet ended (to detect abuse). */
  get pendingLength(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    const data = this.telnet === Telnet.Data && chunk.indexOf(IAC) === -1 ? chunk : this.stripTelnet(chunk);
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const byte = data[i]!;
      if (byte !== CR && byte !== LF) continue;
      if (byte === LF && this.afterCR && i === start && this.length === 0 && !this.overflowing) {
        // The LF of a CRLF whose CR already ended the line.
        this.afterCR = false;
        start = i + 1;
        continue;
      }
      this.append(data, start, i);
      this.endLine();
      this.afterCR = byte === CR;
      start = i + 1;
    }
    if (start < data.length) {
      this.afterCR = false;
      this.append(data, start, data.length);
    }
  }

  private append(data: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.length += to - from;
    if (this.overflowing) return;
    if (this.length > this.maxLength) {
      this.overflowing = true;
      this.parts = [];
      return;
    }
    // Copy: the chunk's memory may be reused by the socket after this call.
    this.parts.push(Buffer.from(data.subarray(from, to)));
  }

  private endLine(): void {
    const { length } = this;
    if (this.overflowing) {
      this.overflowing = false;
      this.length = 0;
      this.handlers[ON_OVERFLOW](length);
      return;
    }
    const parts = this.parts;
    this.parts = [];
    this.length = 0;
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
    // A line that is not valid UTF-8 (an old client sending Latin-1 names) is read
    // as Latin-1: every byte survives, where UTF-8 decoding would turn it into U+FFFD.
    const encoding = this.encoding === 'utf8' && !isUtf8(bytes) ? 'latin1' : this.encoding;
    this.handlers[ON_LINE](bytes.toString(encoding));
  }

  private stripTelnet(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (const byte of chunk) {
      switch (this.telnet) {
        case Telnet.Data:
          if (byte === IAC) this.telnet = Telnet.Command;
          else out[n++] = byte;
          break;
        case Telnet.Command:
          if (byte === IAC) {
            out[n++] = IAC;
            this.telnet = Telnet.Data;
          } else if (byte >= WILL && byte <= DONT) {
            this.telnet = Telnet.Option;
          } else if (byte === SB) {
            this.telnet = Telnet.Sub;
          } else if (byte >= SE) {
            this.telnet = Telnet.Data; // IP, DM, AYT, NOP...: nothing to do
          } else {
            out[n++] = byte; // IAC without its Data Mark (sent out of band)
            this.telnet = Telnet.Data;
          }
          break;
        case Telnet.Option:
          this.telnet = Telnet.Data;
          break;
        case Telnet.Sub:
          if (byte === IAC) this.telnet = Telnet.SubCommand;
          break;
        case Telnet.SubCommand:
          this.telnet = byte === SE ? Telnet.Data : Telnet.Sub;
          break;
      }
    }
    return out.subarray(0, n);
  }
}
