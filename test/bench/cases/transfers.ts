import { randomBytes } from 'node:crypto';
import { bigFile } from '../fixtures.js';
import { rawDownload, rawUpload } from '../raw-client.js';
import { bytesLabel } from '../scale.js';
import { RAW } from '../servers.js';
import { loginClient, type CaseDef } from './types.js';

const GiB = 1024 ** 3;
/** What uploads send, over and over: allocated once, never copied by the client. */
const UPLOAD_CHUNK = randomBytes(1024 * 1024);

/**
 * RETR or STOR of the big file, plain or with PROT P: throughput, and the
 * server's CPU time (whole process tree) per GiB moved.
 */
function bigTransfer(direction: 'retr' | 'stor', tls: boolean): CaseDef {
  const id = `${direction}${tls ? '-tls' : ''}`;
  const verb = direction.toUpperCase();
  return {
    id,
    tls,
    raw: 'pipe',
    fixtures: (scale) => (direction === 'retr' ? [bigFile(scale.bigFile)] : []),
    rows: (scale) => [
      { id, label: `${verb} ${bytesLabel(scale.bigFile)}${tls ? ', PROT P' : ''}`, unit: 'MB/s', better: 'higher' },
      { id: `${id}-cpu`, label: `server CPU per GiB, ${verb}${tls ? ' TLS' : ''}`, unit: 's', better: 'lower' },
    ],
    warmUp: true,
    async run(ctx) {
      const size = ctx.scale.bigFile;
      const name = bigFile(size).name;
      const { server } = ctx;
      let before;
      let after;
      let result;
      if (server.name === RAW) {
        before = server.usage();
        result = direction === 'retr' ? await rawDownload(server.port, name, tls) : await rawUpload(server.port, 'upload.bin', size, UPLOAD_CHUNK, tls);
        after = server.usage();
      } else {
        const client = await loginClient(ctx, tls);
        try {
          await client.expect('TYPE I', 200);
          before = server.usage();
          result = direction === 'retr' ? await client.download(`RETR ${name}`) : await client.upload('STOR upload.bin', size, UPLOAD_CHUNK);
          // Read before QUIT: a forking server's session process that exits may be
          // reaped without its time reaching a parent we can see, and the
          // transfer's CPU would vanish from the tree (seen as 0 or negative).
          after = server.usage();
        } finally {
          await client.quit();
        }
      }
      if (result.bytes !== size) throw new Error(`${verb} moved ${result.bytes} of ${size} bytes`);
      return { [id]: size / result.ms / 1000, [`${id}-cpu`]: (after.cpu - before.cpu) / (size / GiB) };
    },
  };
}

export const transferCases: CaseDef[] = [bigTransfer('retr', false), bigTransfer('stor', false), bigTransfer('retr', true), bigTransfer('stor', true)];
