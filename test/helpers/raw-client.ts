import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface Reply {
  code: number;
  /** Text of all lines joined with "\n" (codes and separators stripped from first/last). */
  text: string;
  /** Raw lines as received, without CRLF. */
  lines: string[];
}

/**
 * A bare-bones FTP control connection for protocol edge cases: send exact bytes,
 * read replies one at a time (multi-line aware), open data connections by hand.
 */
export class RawClient {
  readonly socket: Socket;
  private buffer = '';
  private readonly replies: Reply[] = [];
  private waiters: ((reply: Reply | Error) => void)[] = [];
  private partial: string[] | undefined;
  private ended = false;
  /** Raw text received (for assertions on exact framing). */
  received = '';

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(new Error('connection closed'));
    });
  }

  /** `localAddress` picks the client's address (127.0.0.2 is loopback too: a second "host" for tests). */
  static async connect(port: number, host = '127.0.0.1', options: { greeting?: boolean; localAddress?: string } = {}): Promise<RawClient> {
    const socket = connect({ port, host, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    await once(socket, 'connect');
    const client = new RawClient(socket);
    if (options.greeting !== false) {
      const greeting = await client.read();
      if (greeting.code !== 220) throw new Error(`unexpected greeting ${greeting.lines.join(' | ')}`);
    }
    return client;
  }

  /** A client on an already connected socket (a TLS socket after AUTH TLS, or implicit TLS); no greeting is read. */
  static over(socket: Socket): RawClient {
    return new RawClient(socket);
  }

  /** Connects and logs in. */
  static async login(port: number, user = 'test', pass = 'test', host = '127.0.0.1'): Promise<RawClient> {
    const client = await RawClient.connect(port, host);
    const u = await client.cmd(`USER ${user}`);
    if (u.code !== 331) throw new Error(`USER: ${u.lines.join(' | ')}`);
    const p = await client.cmd(`PASS ${pass}`);
    if (p.code !== 230) throw new Error(`PASS: ${p.lines.join(' | ')}`);
    return client;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** How replies are decoded from now on ('latin1' after OPTS UTF8 OFF). */
  setEncoding(encoding: BufferEncoding): void {
    this.socket.setEncoding(encoding);
  }

  /** Sends raw bytes (no CRLF added). */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a command line with CRLF (UTF-8, or the given encoding). */
  send(line: string, encoding: BufferEncoding = 'utf8'): void {
    this.socket.write(Buffer.from(line + '\r\n', encoding));
  }

  /** Sends a command and reads its reply. */
  async cmd(line: string, timeoutMs = 10_000): Promise<Reply> {
    this.send(line);
    return this.read(timeoutMs);
  }

  /** The next complete reply. */
  read(timeoutMs = 10_000): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.ended) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no reply within ${timeoutMs} ms (received so far: ${JSON.stringify(this.received.slice(-200))})`));
      }, timeoutMs);
      const waiter = (reply: Reply | Error) => {
        clearTimeout(timer);
        if (reply instanceof Error) reject(reply);
        else resolve(reply);
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves when the server closes the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    if (this.ended) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        once(this.socket, 'close'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('connection not closed')), timeoutMs))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** EPSV, then a connected data socket. */
  async epsv(): Promise<Socket> {
    const reply = await this.cmd('EPSV');
    const match = /\(\|\|\|(\d+)\|\)/.exec(reply.text);
    if (reply.code !== 229 || !match) throw new Error(`EPSV: ${reply.lines.join(' | ')}`);
    const data = connect({ port: Number(match[1]), host: this.socket.remoteAddress! });
    data.on('error', () => undefined);
    await once(data, 'connect');
    return data;
  }

  /** PASV: the announced host and port (not connected). */
  async pasv(): Promise<{ host: string; port: number }> {
    const reply = await this.cmd('PASV');
    const match = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(reply.text);
    if (reply.code !== 227 || !match) throw new Error(`PASV: ${reply.lines.join(' | ')}`);
    const n = match.slice(1).map(Number);
    return { host: n.slice(0, 4).join('.'), port: n[4]! * 256 + n[5]! };
  }

  async quit(): Promise<void> {
    if (this.ended) return;
    try {
      await this.cmd('QUIT', 2000);
    } catch {
      // already gone
    }
    this.socket.destroy();
  }

  close(): void {
    this.socket.destroy();
  }

  /** Vanishes the rude way: a TCP reset instead of a FIN. */
  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  private onData(chunk: string): void {
    this.received += chunk;
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.partial) {
      this.partial.push(line);
      const first = this.partial[0]!;
      if (line.startsWith(first.slice(0, 3) + ' ')) {
        const lines = this.partial;
        this.partial = undefined;
        this.deliver(lines);
      }
      return;
    }
    if (/^\d{3}-/.test(line)) {
      this.partial = [line];
      return;
    }
    this.deliver([line]);
  }

  private deliver(lines: string[]): void {
    const code = Number(lines[0]!.slice(0, 3));
    const text = lines.map((l, i) => (i === 0 || i === lines.length - 1 ? l.slice(4) : l)).join('\n');
    const reply = { code, text, lines };
    const waiter = this.waiters.shift();
    if (waiter) waiter(reply);
    else this.replies.push(reply);
  }
}

/** Reads a data socket to the end. */
export async function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
