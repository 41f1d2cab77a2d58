import type { Socket } from 'node:net';

/** How long a closing connection may take to flush its last bytes before it is cut. */
export const LINGER_MS = 2000;

/**
 * Ends a connection gracefully (the last reply still goes out) and makes sure
 * it does not linger: a peer that never reads or never closes its side (the
 * server allows half-open sockets) is cut after `ms`. The timer goes away with
 * the socket, so nothing of a closed connection stays armed.
 */
export function endGracefully(socket: Socket, data?: string, ms = LINGER_MS): void {
  if (socket.destroyed) return;
  const timer = setTimeout(() => socket.destroy(), ms);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  if (data === undefined) socket.end();
  else socket.end(data);
}
