import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { FtpClient } from './ftp-client.js';

/**
 * Client of test/bench/raw-pipe-server.mjs (the yardstick of plain Node streams): the same socket handling
 * as the FTP client's data connections, without FTP around it.
 */

const READ_BUFFER = Buffer.allocUnsafe(1024 * 1024);

function open(port: number, tls: boolean, sink?: (n: number) => void): Socket | TLSSocket {
  if (tls) {
    const socket = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    if (sink) socket.on('data', (chunk: Buffer) => sink(chunk.length));
    return socket;
  }
  return netConnect(
    sink
      ? { port, host: '127.0.0.1', noDelay: true, onread: { buffer: READ_BUFFER, callback: (n: number) => (sink(n), true) } }
      : { port, host: '127.0.0.1', noDelay: true },
  );
}

function settled(socket: Socket | TLSSocket, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once(event, () => resolve());
    socket.once('error', reject);
  });
}

/** Streams the file `name` from the raw server; the time runs from the request to the last byte. */
export async function rawDownload(port: number, name: string, tls: boolean): Promise<{ bytes: number; ms: number }> {
  let bytes = 0;
  const socket = open(port, tls, (n) => (bytes += n));
  try {
    await settled(socket, tls ? 'secureConnect' : 'connect');
    const start = performance.now();
    const ended = settled(socket, 'end');
    socket.write(`RETR ${name}\n`);
    await ended;
    return { bytes, ms: performance.now() - start };
  } finally {
    socket.destroy();
  }
}

/** Sends `size` bytes to the raw server; the time runs from the request to the server's "OK" (file closed). */
export async function rawUpload(port: number, name: string, size: number, chunk: Buffer, tls: boolean): Promise<{ bytes: number; ms: number }> {
  const socket = open(port, tls);
  try {
    await settled(socket, tls ? 'secureConnect' : 'connect');
    let answer = '';
    let onAnswer = () => {};
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      answer += text;
      onAnswer();
    });
    const until = (text: string) =>
      new Promise<void>((resolve, reject) => {
        onAnswer = () => answer.includes(text) && resolve();
        onAnswer();
        socket.once('close', () => reject(new Error(`raw server closed before "${text}"`)));
      });
    const start = performance.now();
    socket.write(`STOR ${name}\n`);
    await until('+');
    await new Promise<void>((resolve, reject) => {
      let left = size;
      const pump = () => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!socket.write(piece)) return void socket.once('drain', pump);
        }
        socket.end();
        resolve();
      };
      socket.once('error', reject);
      pump();
    });
    await until('OK');
    return { bytes: size, ms: performance.now() - start };
  } finally {
    socket.destroy();
  }
}

/**
 * A connection to the raw server that exchanged three lines, as an FTP session
 * does to log in (greeting, USER, PASS): the floor of a Node control connection.
 */
export async function rawSession(port: number, timeoutMs: number): Promise<FtpClient> {
  const client = await FtpClient.connect(port, { timeoutMs, hello: 'HOLD' });
  await client.expect('USER x', 200);
  await client.expect('PASS y', 200);
  return client;
}
