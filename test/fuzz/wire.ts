import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { parseReplies, type ParsedReply } from '../helpers/fuzz.js';

/**
 * A control connection for fuzzing: sends raw bytes, keeps every byte the
 * server sent (latin1, so CR and LF are seen exactly as they came), and parses
 * them strictly on demand.
 */
export class Wire {
  private received = '';
  private closedFlag = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
  }

  static async open(port: number): Promise<Wire> {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    return new Wire(socket);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Every complete reply so far (throws if the stream is not well-formed RFC 959). */
  replies(): ParsedReply[] {
    return parseReplies(this.received).replies;
  }

  /** Sends bytes; a string is taken byte for byte (latin1), so "\xff" is the byte 0xFF (Telnet IAC). */
  write(data: string | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Waits until `done(replies)` holds or the server closed the connection; fails after `timeoutMs`. */
  async until(done: (replies: ParsedReply[]) => boolean, timeoutMs = 5000): Promise<ParsedReply[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const replies = this.replies();
      if (done(replies) || this.closedFlag) return replies;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`server did not answer in ${timeoutMs} ms; received ${JSON.stringify(this.received.slice(-300))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Logs in as test/test; resolves with the replies so far. */
  async login(): Promise<void> {
    await this.until((r) => r.length >= 1);
    this.write('USER test\r\nPASS test\r\n');
    const replies = await this.until((r) => r.length >= 3);
    if (replies[2]?.code !== 230) throw new Error(`login failed: ${JSON.stringify(replies)}`);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
