#!/usr/bin/env node
// The yardstick: what plain Node streams do on this machine with no FTP at all.
//   node test/bench/raw-pipe-server.mjs PORT ROOT [CERT KEY]
// A client sends one line, "RETR name", "STOR name" or "HOLD". RETR streams
// the file to the socket and ends it; STOR answers "+" and then streams the
// socket into the file, and answers "OK" once the file is closed (same chunk
// size as ftpkit's LocalFileSystem, 1 MiB). HOLD keeps the connection,
// answers "220 +" and then "200 +" to every line: the floor of a Node control
// connection (NOOP round trip, memory of an idle session).
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
      // The floor of a control connection: every line gets a one-line reply
      // (NOOP round trips), and an idle connection costs what Node's socket
      // costs (memory per session), with nothing else around it.
      socket.on('data', (chunk) => {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) socket.write('200 +\r\n');
      });
      socket.resume();
      socket.write('220 +\r\n');
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
