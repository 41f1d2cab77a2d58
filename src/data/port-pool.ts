import { createServer, type Server, type Socket } from 'node:net';
import { FtpError } from '../errors.js';

/**
 * A port found taken is skipped for this long: a socket of another program, or
 * a connection in TIME_WAIT, rarely frees it sooner, and every failed attempt
 * costs a socket, a bind and an exception with a stack.
 */
const BUSY_MS = 10_000;

/**
 * Passive ports. With a range, ports are bound directly (no probe-then-bind
 * race) starting after the last one handed out, ports found taken lately are
 * tried last, and the whole range is tried before giving up. Without a range
 * the OS picks a free port.
 */
export class PassivePortPool {
  private cursor: number;
  /** Ports found taken, and until when they are tried last. */
  private readonly busy = new Map<number, number>();

  constructor(private readonly range: { min: number; max: number } | undefined) {
    this.cursor = range ? range.min + Math.floor(Math.random() * (range.max - range.min + 1)) : 0;
  }

  async listen(host: string, onConnection: (socket: Socket) => void): Promise<Server> {
    if (!this.range) return bind(host, 0, onConnection);
    const { min, max } = this.range;
    const size = max - min + 1;
    const now = Date.now();
    /** Ports passed over because they were found taken lately: tried once the rest of the range is. */
    const later: number[] = [];
    for (let attempt = 0; attempt < size + later.length; attempt++) {
      let port: number;
      if (attempt < size) {
        port = this.cursor;
        this.cursor = port >= max ? min : port + 1;
        const until = this.busy.get(port);
        if (until !== undefined && until > now) {
          later.push(port);
          continue;
        }
      } else {
        port = later[attempt - size]!;
      }
      try {
        const server = await bind(host, port, onConnection);
        this.busy.delete(port);
        return server;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
        this.busy.set(port, now + BUSY_MS);
      }
    }
    throw new FtpError('transient', 'No passive port free.');
  }
}

function bind(host: string, port: number, onConnection: (socket: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true }, onConnection);
    const fail = (error: Error) => {
      server.close();
      reject(error);
    };
    server.once('error', fail);
    server.listen({ host, port, backlog: 8, exclusive: true }, () => {
      server.off('error', fail);
      // A listener that errors later (it cannot, once bound) must not crash the host.
      server.on('error', () => server.close());
      resolve(server);
    });
  });
}
