import { once } from 'node:events';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { type Reply, type RawClient, readAll } from './raw-client.js';

/** STOR over a raw connection: 150, the bytes, then the final reply. */
export async function rawUpload(c: RawClient, name: string, data: Buffer | string, verb = 'STOR'): Promise<{ opening: Reply; final: Reply }> {
  const socket = await c.epsv();
  c.send(`${verb} ${name}`);
  const opening = await c.read();
  if (opening.code !== 150) {
    socket.destroy();
    return { opening, final: opening };
  }
  socket.end(data);
  await once(socket, 'close').catch(() => undefined);
  return { opening, final: await c.read() };
}

/** RETR over a raw connection: the bytes and the final reply. */
export async function rawDownload(c: RawClient, name: string): Promise<{ data: Buffer; final: Reply }> {
  const socket = await c.epsv();
  c.send(`RETR ${name}`);
  const opening = await c.read();
  if (opening.code !== 150) {
    socket.destroy();
    return { data: Buffer.alloc(0), final: opening };
  }
  const data = await readAll(socket);
  return { data, final: await c.read() };
}

/** Starts a RETR and returns once 150 arrived, with the data socket (paused: nothing read yet). */
export async function startDownload(c: RawClient, name: string): Promise<Socket> {
  const socket = await c.epsv();
  socket.pause();
  c.send(`RETR ${name}`);
  const opening = await c.read();
  if (opening.code !== 150) throw new Error(`RETR: ${opening.lines.join(' | ')}`);
  return socket;
}

/** A readable that yields `count` chunks of `size` bytes, one every `everyMs`. */
export function slowSource(count: number, size: number, everyMs: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= count) {
        this.push(null);
        return;
      }
      sent++;
      setTimeout(() => this.push(Buffer.alloc(size, 0x61)), everyMs);
    },
  });
}

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` until it holds (or fails after `timeoutMs`). */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

/** Polls an async `check` until it resolves true (or fails after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}
