import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from 'basic-ftp';
import ts from 'typescript';
import { run } from './helpers/clients.js';
import { createProgram, optionPaths } from './helpers/option-paths.js';
import { spawnServer } from './helpers/spawned.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The guides whose code this file keeps honest. */
const GUIDES = ['getting-started.md', 'options.md', 'hooks-and-events.md', 'events.md', 'storage.md', 'nat.md', 'logging.md', 'troubleshooting.md'];

interface Snippet {
  doc: string;
  line: number;
  code: string;
  run: boolean;
}

/** Every ```ts block of the guides that imports ftpkit: a complete program a reader may paste. */
async function snippets(): Promise<Snippet[]> {
  const found: Snippet[] = [];
  for (const doc of GUIDES) {
    const text = await readFile(join(ROOT, 'docs', doc), 'utf8');
    const block = /(<!-- docs-test: run -->\n)?```ts\n([\s\S]*?)```/g;
    for (let match; (match = block.exec(text)); ) {
      if (!/from 'ftpkit(\/testing)?'/.test(match[2]!)) continue;
      found.push({ doc, line: text.slice(0, match.index).split('\n').length, code: match[2]!, run: match[1] !== undefined });
    }
  }
  return found;
}

// One compiler run serves both checks below (it takes seconds): the option
// names from src/, and the docs' snippets against the built package.
const workspace = join(ROOT, 'test', 'types', `.docs-${process.pid}`);
const compiled = (async () => {
  const all = await snippets();
  await mkdir(workspace, { recursive: true });
  const files = await Promise.all(
    all.map(async (snippet, i) => {
      const file = join(workspace, `${snippet.doc.replace('.md', '')}-${i}.mts`);
      await writeFile(file, snippet.code);
      return file;
    }),
  );
  const program = createProgram(files);
  const problems = files.flatMap((file, i) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
      const { line } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0 };
      return `docs/${all[i]!.doc}:${all[i]!.line + line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    }),
  );
  return { all, files, problems, options: optionPaths(program) };
})();
test.after(() => rm(workspace, { recursive: true, force: true }));

// The API reference generator (npm run docs:api), into a scratch folder.
const apiOut = join(workspace, 'api');
const apiDocs = run(process.execPath, ['docs/api-docs.mjs', apiOut], { cwd: ROOT, timeoutMs: 120_000 });

test('every option in FtpServerOptions (read from the source) is documented in docs/options.md', async () => {
  const { options } = await compiled;
  const doc = await readFile(join(ROOT, 'docs', 'options.md'), 'utf8');
  const lines = doc.split('\n');
  // Either `a.b.c` itself, or a line that names the parent `a.b` and the field `c`.
  const documented = (path: string) => {
    if (doc.includes(`\`${path}\``) || doc.includes(`\`${path}.`)) return true; // itself, or its fields one by one
    const dot = path.lastIndexOf('.');
    if (dot === -1) return false;
    const [parent, leaf] = [path.slice(0, dot), path.slice(dot + 1)];
    return lines.some((line) => line.includes(`\`${parent}\``) && line.includes(`\`${leaf}\``));
  };
  assert.ok(options.length > 50, `found ${options.length} options`);
  assert.deepEqual(options.filter((path) => !documented(path)), [], 'options missing from docs/options.md');
});

test('every guide snippet that imports ftpkit compiles against the built package', async () => {
  const { all, problems } = await compiled;
  assert.ok(all.length >= 10, `found ${all.length} snippets`);
  assert.deepEqual(problems, []);
});

test('the getting-started server runs as written and serves a real client', async (t) => {
  const { all, files } = await compiled;
  const runnable = all.map((snippet, i) => ({ snippet, file: files[i]! })).filter(({ snippet }) => snippet.run);
  assert.ok(runnable.length >= 1);
  for (const { file } of runnable) {
    const server = await spawnServer(t, process.execPath, ['--import', 'tsx', file], { cwd: ROOT, env: { PORT: '0' } });
    const client = new Client(10_000);
    await client.access({ host: server.host, port: server.port, user: 'alice', password: 's3cret' });
    assert.deepEqual((await client.list()).map((f) => f.name), ['readme.txt']);
    client.close();
    await server.waitFor(/alice logged in from/);
    assert.equal(await server.stop('SIGTERM'), 0);
  }
});

test('npm run docs:api generates the API reference from the source', async () => {
  const result = await apiDocs;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const server = await readFile(join(apiOut, 'index', 'classes', 'FtpServer.md'), 'utf8');
  assert.match(server, /The FTP server a host embeds/, 'doc comments become the reference');
  for (const page of ['index/interfaces/FtpServerOptions.md', 'index/interfaces/FileSystem.md', 'index/interfaces/FtpServerEvents.md', 'testing/functions/startTestServer.md']) {
    await readFile(join(apiOut, page), 'utf8');
  }
  await readFile(join(ROOT, 'docs', 'api', 'README.md'), 'utf8'); // the committed copy exists
});
