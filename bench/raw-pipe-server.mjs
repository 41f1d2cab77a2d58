#!/usr/bin/env node
// The ceiling: what plain Node streams do on this machine with no FTP at all.
//   node bench/raw-pipe-server.mjs PORT ROOT [CERT KEY]
// A client sends one line, "RETR name", "STOR name" or "HOLD". RETR streams
// the file to the socket and ends it; STOR answers "+" and then streams the
// socket into the file, and answers "OK" once the file is closed (same chunk
// size as ftpkit's LocalFileSystem, 1 MiB). HOLD keeps the connection and
// answers "+" to every line: the memory floor of an idle Node connection.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { join } from 'node:path';
import { pipeline } from 'node:stream';

const [port, root, cert, key] = process.argv.slice(2);
const CHUNK = 1024 * 1024;

function serve(socket) {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  let header = '';
  const onData = (chunk) => {
    header += chunk.toString('latin1');
    const end = header.indexOf('\n');
    if (end === -1) return;
    socket.off('data', onData);
    socket.pause();
    const [verb, name] = header.slice(0, end).trim().split(' ');
    if (verb === 'HOLD') {
      // The memory floor: an idle connection that answers a line now and then,
      // as an idle logged-in FTP session does, with nothing else around it.
      socket.on('data', () => socket.write('+\n'));
      socket.resume();
      socket.write('+\n');
      return;
    }
    const path = join(root, name);
    if (verb === 'RETR') {
      pipeline(createReadStream(path, { highWaterMark: CHUNK }), socket, (error) => error && socket.destroy());
    } else {
      pipeline(socket, createWriteStream(path, { highWaterMark: CHUNK }), (error) => socket.end(error ? 'ERR\n' : 'OK\n'));
      socket.write('+');
    }
  };
  socket.on('data', onData);
}

const server = cert
  ? createTlsServer({ cert: readFileSync(cert), key: readFileSync(key), allowHalfOpen: true }, serve)
  : createServer({ allowHalfOpen: true, noDelay: true }, serve);
server.listen({ port: Number(port), host: '127.0.0.1' });
process.once('SIGTERM', () => process.exit(0));
