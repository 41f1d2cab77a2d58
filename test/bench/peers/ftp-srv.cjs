'use strict';
// Fallback ftp-srv launcher (plain FTP only), used when the shared peer
// launchers are not on this machine (CI): ftp-srv is a devDependency, so the
// benchmark can always compare against it.
//   node test/bench/peers/ftp-srv.cjs PORT ROOT USER PASS PASVMIN PASVMAX
const path = require('node:path');
const FtpSrv = require('ftp-srv');
const bunyan = require('bunyan');

const [port, root, user, pass, min, max] = process.argv.slice(2);
const server = new FtpSrv({
  url: `ftp://127.0.0.1:${port}`,
  pasv_url: '127.0.0.1',
  pasv_min: Number(min),
  pasv_max: Number(max),
  anonymous: false,
  greeting: 'ftp-srv ready',
  timeout: 0,
  log: bunyan.createLogger({ name: 'ftp-srv', level: 'error', stream: process.stderr }),
});
const rootDir = path.resolve(root);
server.on('login', ({ username, password }, resolve, reject) => {
  if (username === user && password === pass) resolve({ root: rootDir, cwd: '/' });
  else reject(new Error('Authentication failed'));
});
server.on('client-error', () => undefined);
server.listen();
process.once('SIGTERM', () => process.exit(0));
