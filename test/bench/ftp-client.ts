import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/**
 * The benchmark's FTP client: raw sockets and as little work per byte as Node
 * allows, so the numbers measure the server. Downloads read into one reused
 * 1 MiB buffer (`onread`: no allocation per chunk), uploads write one reused
 * buffer, replies are parsed from latin1 strings.
 */

export interface Reply {
  code: number;
  text: string;
}

export class FtpReplyError extends Error {
  constructor(
    readonly command: string,
    readonly reply: Reply,
  ) {
    super(`${command.split(' ')[0]}: unexpected reply ${reply.code} ${reply.text.split('\n')[0]}`);
  }
}

const READ_BUFFER = Buffer.allocUnsafe(1024 * 1024);
const LF = 10;

/** One shared watchdog instead of a timer per wait: NOOP loops wait 10,000 times. */
const waiting = new Set<FtpClient>();
let watchdog: NodeJS.Timeout | undefined;
function watch(client: FtpClient): void {
  waiting.add(client);
  if (!watchdog) {
    watchdog = setInterval(() => {
      const now = performance.now();
      for (const c of waiting) c.checkDeadline(now);
      if (waiting.size === 0) {
        clearInterval(watchdog);
        watchdog = undefined;
      }
    }, 250);
    watchdog.unref();
  }
}

export interface ClientOptions {
  host?: string;
  timeoutMs?: number;
  /** A line sent as soon as the connection is up (the raw floor server's "HOLD"). */
  hello?: string;
}

export interface TransferResult {
  bytes: number;
  /** Line ends seen (listings). */
  lines: number;
  /** From sending the command to the final reply and the end of the data. */
  ms: number;
}

export class FtpClient {
  private socket: Socket | TLSSocket;
  private buffer = '';
  private multiline: { code: string; lines: string[] } | undefined;
  private readonly replies: Reply[] = [];
  private waiter: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private deadline = 0;
  private tlsSession: Buffer | undefined;
  private dataTls = false;
  readonly host: string;
  readonly timeoutMs: number;

  private constructor(socket: Socket, options: ClientOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.socket = socket;
    this.listen(socket);
  }

  /** Connects and reads the 220 greeting. */
  static async connect(port: number, options: ClientOptions = {}): Promise<FtpClient> {
    const socket = netConnect({ port, host: options.host ?? '127.0.0.1', noDelay: true });
    const client = new FtpClient(socket, options);
    if (options.hello) client.send(options.hello);
    const greeting = await client.read();
    if (greeting.code !== 220) {
      client.destroy();
      throw new FtpReplyError('greeting', greeting);
    }
    return client;
  }

  /** Connects and logs in. */
  static async login(port: number, user: string, pass: string, options: ClientOptions = {}): Promise<FtpClient> {
    const client = await FtpClient.connect(port, options);
    try {
      await client.login(user, pass);
      return client;
    } catch (error) {
      client.destroy();
      throw error;
    }
  }

  private listen(socket: Socket | TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('control connection closed')));
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let start = 0;
    for (;;) {
      const end = this.buffer.indexOf('\n', start);
      if (end === -1) break;
      const line = this.buffer.slice(start, this.buffer.charCodeAt(end - 1) === 13 ? end - 1 : end);
      start = end + 1;
      this.onLine(line);
    }
    this.buffer = start === 0 ? this.buffer : this.buffer.slice(start);
  }

  private onLine(line: string): void {
    if (this.multiline) {
      this.multiline.lines.push(line);
      if (line.length >= 4 && line.startsWith(this.multiline.code) && line[3] === ' ') {
        const { code, lines } = this.multiline;
        this.multiline = undefined;
        this.deliver({ code: Number(code), text: lines.join('\n') });
      }
      return;
    }
    if (line[3] === '-') {
      this.multiline = { code: line.slice(0, 3), lines: [line] };
      return;
    }
    this.deliver({ code: Number(line.slice(0, 3)), text: line });
  }

  private deliver(reply: Reply): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiting.delete(this);
      waiter.resolve(reply);
    } else {
      this.replies.push(reply);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiting.delete(this);
    waiter?.reject(error);
  }

  /** @internal (watchdog) */
  checkDeadline(now: number): void {
    if (this.waiter && now > this.deadline) {
      this.fail(new Error(`timed out after ${this.timeoutMs} ms waiting for a reply`));
      this.destroy();
    }
  }

  /** The next reply. */
  read(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.deadline = performance.now() + this.timeoutMs;
      watch(this);
    });
  }

  send(line: string): void {
    this.socket.write(line + '\r\n', 'latin1');
  }

  /** Sends a command and returns its reply. */
  command(line: string): Promise<Reply> {
    this.send(line);
    return this.read();
  }

  /** Sends a command and fails unless the reply code is one of `codes`. */
  async expect(line: string, ...codes: number[]): Promise<Reply> {
    const reply = await this.command(line);
    if (!codes.includes(reply.code)) throw new FtpReplyError(line, reply);
    return reply;
  }

  async login(user: string, pass: string): Promise<void> {
    const reply = await this.expect(`USER ${user}`, 331, 230);
    if (reply.code === 331) await this.expect(`PASS ${pass}`, 230);
  }

  /** AUTH TLS: the control connection is encrypted from here on. */
  async startTls(): Promise<void> {
    await this.expect('AUTH TLS', 234);
    const plain = this.socket as Socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.on('error', () => undefined);
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false, servername: undefined });
    secure.on('session', (session: Buffer) => (this.tlsSession = session));
    this.socket = secure;
    this.listen(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
  }

  /** PBSZ 0 and PROT P: data connections are encrypted too. */
  async protectData(): Promise<void> {
    await this.expect('PBSZ 0', 200);
    await this.expect('PROT P', 200);
    this.dataTls = true;
  }

  /** EPSV: the port of the server's passive listener. */
  async passive(): Promise<number> {
    const reply = await this.expect('EPSV', 229);
    const match = /\(([^\d])\1\1(\d+)\1\)/.exec(reply.text);
    if (!match) throw new FtpReplyError('EPSV', reply);
    return Number(match[2]);
  }

  /**
   * Opens a data connection (TCP connected; TLS started but not awaited, since
   * some servers only start their side after the transfer command).
   */
  private async openData(port: number, sink?: (n: number, buffer: Buffer) => void): Promise<Socket | TLSSocket> {
    const raw: Socket = netConnect(
      sink && !this.dataTls
        ? { port, host: this.host, noDelay: true, onread: { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array) => (sink(n, buf as Buffer), true) } }
        : { port, host: this.host, noDelay: true },
    );
    raw.setTimeout(this.timeoutMs, () => raw.destroy(new Error(`data connection idle for ${this.timeoutMs} ms`)));
    await new Promise<void>((resolve, reject) => {
      raw.once('connect', resolve);
      raw.once('error', reject);
    });
    if (!this.dataTls) return raw;
    const secure = tlsConnect({ socket: raw, rejectUnauthorized: false, ...(this.tlsSession ? { session: this.tlsSession } : {}) });
    if (sink) secure.on('data', (chunk: Buffer) => sink(chunk.length, chunk));
    return secure;
  }

  /** RETR, LIST, MLSD...: reads the data to its end and returns what came. */
  async download(line: string, countLines = false): Promise<TransferResult> {
    const port = await this.passive();
    let bytes = 0;
    let lines = 0;
    const data = await this.openData(port, (n, buffer) => {
      bytes += n;
      if (countLines) {
        for (let i = buffer.indexOf(LF); i !== -1 && i < n; i = buffer.indexOf(LF, i + 1)) lines++;
      }
    });
    const ended = dataEnd(data);
    ended.catch(() => undefined); // awaited below unless the command fails first
    const start = performance.now();
    try {
      const opening = await this.command(line);
      if (opening.code !== 150 && opening.code !== 125) throw new FtpReplyError(line, opening);
      const closing = await this.read();
      if (closing.code !== 226 && closing.code !== 250) throw new FtpReplyError(line, closing);
      await ended;
      return { bytes, lines, ms: performance.now() - start };
    } finally {
      data.destroy();
    }
  }

  /** STOR: sends `size` bytes (repeating `chunk`) and waits for the server's final reply. */
  async upload(line: string, size: number, chunk: Buffer): Promise<TransferResult> {
    const port = await this.passive();
    const data = await this.openData(port);
    const failed = new Promise<never>((_, reject) => data.once('error', reject));
    failed.catch(() => undefined);
    const start = performance.now();
    try {
      const opening = await this.command(line);
      if (opening.code !== 150 && opening.code !== 125) throw new FtpReplyError(line, opening);
      const closing = this.read();
      closing.catch(() => undefined);
      await Promise.race([send(data, size, chunk), failed]);
      const reply = await closing;
      if (reply.code !== 226 && reply.code !== 250) throw new FtpReplyError(line, reply);
      return { bytes: size, lines: 0, ms: performance.now() - start };
    } finally {
      data.destroy();
    }
  }

  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // closing anyway
    }
    this.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function dataEnd(data: Socket | TLSSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    data.once('end', resolve);
    data.once('error', reject);
    data.once('close', () => reject(new Error('data connection closed before its end')));
    data.resume();
  });
}

/** Writes `size` bytes of `chunk` with backpressure, then ends the stream (FIN / close_notify). */
function send(data: Socket | TLSSocket, size: number, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = size;
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!data.write(piece)) {
          data.once('drain', pump);
          return;
        }
      }
      data.end(() => resolve());
    };
    data.once('error', reject);
    pump();
  });
}
