/**
 * Uploads that are checked before they are accepted, and processed after:
 * - a type policy: only .csv, .txt and .jpg (553 otherwise);
 * - a scan of the stored bytes (here: the EICAR test signature) — 550 "infected";
 * - then, once the client got its 226, the file moves from incoming/ to
 *   processed/ with a .sha256 next to it.
 *
 *   npx tsx examples/upload-pipeline.ts [folder]
 *
 * Log in as uploader / uploader-pass and put files into incoming/.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FtpServer, LocalFileSystem } from 'ftpkit';

const root = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'ftpkit-pipeline-')));
await mkdir(join(root, 'incoming'), { recursive: true });
await mkdir(join(root, 'processed'), { recursive: true });

const ALLOWED = /\.(csv|txt|jpg)$/i;
const EICAR = 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE';

const server = new FtpServer({
  // Atomic uploads: a half-received file is never visible under its name.
  filesystem: new LocalFileSystem(root, { atomicUploads: true }),
  users: [{ username: 'uploader', password: 'uploader-pass', rules: [{ path: '/processed', deny: ['write', 'delete', 'rename'] }] }],
  hooks: {
    beforeUploadCommit: [
      // Hooks run in order; the first refusal wins and the file is deleted.
      ({ path }) => (ALLOWED.test(path) ? undefined : { code: 553, message: 'Only .csv, .txt and .jpg files are accepted.' }),
      async (ctx) => {
        // The context is a filesystem context: read the stored bytes back through the user's storage.
        const stream = await ctx.filesystem.read(ctx.path, { start: 0 }, ctx);
        for await (const chunk of stream) {
          if (Buffer.from(chunk).includes(EICAR)) return { code: 550, message: 'The file is infected and was not accepted.' };
        }
        return undefined;
      },
    ],
  },
});

// After 226 (fire-and-forget): move the file out of incoming/ and record its hash.
server.on('transferEnd', async ({ direction, path }) => {
  if (direction !== 'upload' || !path.startsWith('/incoming/')) return;
  const name = basename(path);
  const target = join(root, 'processed', name);
  await rename(join(root, 'incoming', name), target);
  const sha256 = createHash('sha256').update(await readFile(target)).digest('hex');
  await writeFile(`${target}.sha256`, `${sha256}  ${name}\n`);
  console.log(`processed ${path} -> /processed/${name} (sha256 ${sha256.slice(0, 12)}…)`);
});
server.on('transferAborted', ({ direction, path, reason, code }) => {
  if (direction === 'upload') console.log(`refused ${path}: ${reason} (${code})`);
});

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
console.log(`listening on ftp://127.0.0.1:${port}`);
