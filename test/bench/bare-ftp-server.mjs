#!/usr/bin/env node
// The floor of a Node FTP server for the session and listing cases: the least
// FTP a client of `concurrent`, `list`, `list-huge` and `mlsd-huge` needs,
// written plainly, with nothing else (no security, no hooks, no events, no
// limits). What it costs is what Node itself costs for that work; a target
// below it cannot be met by any Node server doing the same work.
//   node test/bench/bare-ftp-server.mjs PORT ROOT USER PASS PASVMIN PASVMAX
// USER and PASS are not checked. Each EPSV listens on the next port of
// PASVMIN..PASVMAX, as every server in the benchmark does (a port found taken
// is skipped). Port 0 would be simpler, but with tens of thousands of
// connections in TIME_WAIT the kernel's search for a free port took seconds
// per round of 500 sessions: the floor measured the kernel, not Node.
// LIST and MLSD read the directory with opendirSync (a buffer of entries per
// readdir call, so a huge directory is never held whole) and lstatSync each
// entry (the fastest plain-Node stat measured: fs.promises.lstat is ~2× slower
// through the thread pool), and write the lines in batches, waiting for
// 'drain' when the socket is full, as any streaming server must.
import { lstatSync, opendirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const [port, root, , , pasvMin, pasvMax] = process.argv.slice(2);
if (!port || !root || !pasvMin || !pasvMax) {
  process.stderr.write('usage: bare-ftp-server.mjs PORT ROOT USER PASS PASVMIN PASVMAX\n');
  process.exit(2);
}

/** Entries per write to the data socket: ~70 KB of LIST lines. */
const BATCH = 1000;
/** Entries per readdir(3) call behind opendirSync. */
const DIR_BUFFER = 256;

const firstPort = Number(pasvMin);
const lastPort = Number(pasvMax);
let nextPort = firstPort;

/** Listens on the next free port of the passive range, then calls `ready`; `failed` once every port was taken. */
function listenPassive(listener, host, ready, failed) {
  let tries = 0;
  const attempt = () => {
    const port = nextPort;
    nextPort = port >= lastPort ? firstPort : port + 1;
    listener.listen({ port, host });
  };
  listener.once('listening', ready);
  listener.on('error', (error) => {
    if (error.code === 'EADDRINUSE' && ++tries <= lastPort - firstPort) attempt();
    else failed();
  });
  attempt();
}

function serve(control) {
  control.setNoDelay(true);
  control.setEncoding('utf8');
  control.on('error', () => undefined);
  /** The passive listener of the next transfer, and its data socket once the client connected. */
  let passive;
  let data;
  /** A listing waiting for its data connection (the client may connect after the command). */
  let waiting;
  let pending = '';

  const reply = (line) => control.write(`${line}\r\n`);
  /** Calls `use` with the data connection, now or once the client opens it; `abandon` if it never comes. */
  const withData = (use, abandon) => (data ? use(takeData()) : (waiting = { use, abandon }));
  const takeData = () => {
    const socket = data;
    data = undefined;
    return socket;
  };
  const closePassive = () => {
    passive?.close();
    passive = undefined;
  };

  control.on('data', (chunk) => {
    pending += chunk;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      const space = line.indexOf(' ');
      const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
      const argument = space === -1 ? '' : line.slice(space + 1);
      switch (verb) {
        case 'USER':
          reply('331 Password required.');
          break;
        case 'PASS':
          reply('230 Logged in.');
          break;
        case 'TYPE':
        case 'NOOP':
          reply('200 OK.');
          break;
        case 'EPSV': {
          closePassive();
          data?.destroy(); // a data connection opened for an EPSV that saw no transfer
          data = undefined;
          const listener = createServer({ noDelay: true }, (socket) => {
            socket.on('error', () => undefined);
            listener.close(); // one data connection per EPSV
            if (passive === listener) passive = undefined;
            data = socket;
            const listing = waiting;
            waiting = undefined;
            listing?.use(takeData());
          });
          passive = listener;
          listenPassive(
            listener,
            control.localAddress,
            () => reply(`229 Entering Extended Passive Mode (|||${listener.address().port}|)`),
            () => reply('425 No passive port free.'),
          );
          break;
        }
        case 'LIST':
        case 'MLSD': {
          // LIST may carry ls options ("LIST -la"); the benchmark never sends them with a path.
          const dir = join(root, argument.startsWith('-') ? '' : argument);
          let handle;
          try {
            handle = opendirSync(dir, { bufferSize: DIR_BUFFER });
          } catch {
            reply('550 No such directory.');
            break;
          }
          reply('150 Here comes the listing.');
          withData(
            (socket) => sendListing(socket, handle, dir, verb === 'LIST' ? listLine : factsLine, () => reply('226 Listing complete.')),
            () => handle.closeSync(),
          );
          break;
        }
        case 'QUIT':
          closePassive();
          control.end('221 Bye.\r\n');
          break;
        default:
          reply('502 Not implemented.');
      }
    }
  });
  control.on('close', () => {
    closePassive();
    data?.destroy();
    waiting?.abandon();
  });
}

/**
 * Streams one line per entry of `handle` into `socket`, BATCH entries per
 * write, pausing while the socket is full; ends it and calls `done` once the
 * last byte went to the kernel.
 */
function sendListing(socket, handle, dir, format, done) {
  const now = Date.now();
  // Plain concatenation: path.join per entry cost ~0.6 µs more (measured, 50,000 entries).
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  let open = true;
  const close = () => open && ((open = false), handle.closeSync());
  // A client that goes away mid-listing: no 'drain' will come, the directory is closed here.
  socket.once('close', close);
  const pump = () => {
    for (;;) {
      if (!open || socket.destroyed) return void close();
      let batch = '';
      let entry = null;
      for (let n = 0; n < BATCH && (entry = handle.readSync()) !== null; n++) {
        // An entry removed since readdir has no stats: skipped, as `ls` does.
        const stats = lstatSync(prefix + entry.name, { throwIfNoEntry: false });
        if (stats) batch += format(entry.name, stats, now);
      }
      if (entry === null) {
        close();
        socket.end(batch, done);
        return;
      }
      if (!socket.write(batch)) return void socket.once('drain', pump);
    }
  };
  pump();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;
/** `rwxr-xr-x` for each of the 512 permission sets: built once, not per line. */
const PERMISSIONS = Array.from({ length: 512 }, (_, mode) => [...'rwxrwxrwx'].map((c, i) => (mode & (1 << (8 - i)) ? c : '-')).join(''));
/** `UNIX.mode` values (`0644`) for each of the 4,096 mode bit sets, likewise. */
const UNIX_MODES = Array.from({ length: 4096 }, (_, mode) => `0${mode.toString(8)}`);
const two = (n) => (n < 10 ? `0${n}` : String(n));

/** An `ls -l` line, times in UTC: `-rw-r--r--   1 ftp      ftp             0 Nov 26 00:58 name`. */
function listLine(name, stats, now) {
  const type = stats.isDirectory() ? 'd' : stats.isSymbolicLink() ? 'l' : stats.isFile() ? '-' : 'p';
  const mtime = stats.mtime;
  const time = mtime.getTime();
  const date =
    time > now - SIX_MONTHS_MS && time <= now + 24 * 3600 * 1000
      ? `${two(mtime.getUTCHours())}:${two(mtime.getUTCMinutes())}`
      : ` ${mtime.getUTCFullYear()}`;
  return `${type}${PERMISSIONS[stats.mode & 0o777]} ${String(stats.nlink).padStart(3)} ftp      ftp      ${String(stats.size).padStart(12)} ${MONTHS[mtime.getUTCMonth()]} ${String(mtime.getUTCDate()).padStart(2)} ${date} ${name}\r\n`;
}

/** An RFC 3659 line with the facts ftpkit sends by default: type, size, modify, perm, unique, UNIX.mode. */
function factsLine(name, stats) {
  const dir = stats.isDirectory();
  const type = dir ? 'dir' : stats.isFile() ? 'file' : stats.isSymbolicLink() ? 'OS.unix=symlink' : 'OS.unix=other';
  const m = stats.mtime;
  const ms = m.getUTCMilliseconds();
  const modify = `${m.getUTCFullYear()}${two(m.getUTCMonth() + 1)}${two(m.getUTCDate())}${two(m.getUTCHours())}${two(m.getUTCMinutes())}${two(m.getUTCSeconds())}${ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`}`;
  return `type=${type};${dir ? '' : `size=${stats.size};`}modify=${modify};perm=${dir ? 'elcmpdf' : 'rawdf'};unique=${stats.dev.toString(16)}-${stats.ino.toString(16)};UNIX.mode=${UNIX_MODES[stats.mode & 0o7777]}; ${name}\r\n`;
}

createServer({ noDelay: true }, (control) => {
  serve(control);
  control.write('220 Bare Node FTP floor.\r\n');
}).listen({ port: Number(port), host: '127.0.0.1' });
process.once('SIGTERM', () => process.exit(0));
