import { createServer, type Server, type Socket } from 'node:net';
import { FtpError } from '../errors.js';

/**
 * Passive ports. With a range, ports are bound directly (no probe-then-bind
 * race) starting after the last one handed out, and the whole range is scanned
 * before giving up. Without a range the OS picks a free port.
 */
export class PassivePortPool {
  private cursor: number;

  constructor(private readonly range: { min: number; max: number } | undefined) {
    this.cursor = range ? range.min + Math.floor(Math.random() * (range.max - range.min + 1)) : 0;
  }

  async listen(host: string, onConnection: (socket: Socket) => void): Promise<Server> {
    if (!this.range) return bind(host, 0, onConnection);
    const { min, max } = this.range;
    const size = max - min + 1;
    for (let tried = 0; tried < size; tried++) {
      const port = this.cursor;
      this.cursor = port >= max ? min : port + 1;
      try {
        return await bind(host, port, onConnection);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
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
