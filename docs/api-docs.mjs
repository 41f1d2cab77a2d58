#!/usr/bin/env node
// Generates the API reference (Markdown) from the public entry points and their
// doc comments: `npm run docs:api` writes docs/api/; a directory argument writes
// there instead (the test suite does, to check the generator still works).
import { Application } from 'typedoc';

const out = process.argv[2] ?? 'docs/api';
const app = await Application.bootstrapWithPlugins({
  entryPoints: ['src/index.ts', 'src/testing.ts'],
  tsconfig: 'docs/api-docs.tsconfig.json', // src only: tests and examples are not API
  plugin: ['typedoc-plugin-markdown'],
  out,
  name: 'ftpkit API',
  readme: 'none',
  entryFileName: 'README.md',
  excludePrivate: true,
  excludeProtected: true,
  excludeInternal: true,
  excludeExternals: true,
  hideGenerator: true,
  disableSources: true,
  sort: ['kind', 'alphabetical'],
  // A published class shows what hosts use; inherited EventEmitter plumbing stays out.
  excludeNotDocumented: false,
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  logLevel: 'Warn',
});
const project = await app.convert();
if (!project) {
  console.error('api-docs: TypeDoc could not convert the project');
  process.exit(1);
}
await app.generateOutputs(project);
if (app.logger.hasErrors()) process.exit(1);
console.log(`api-docs: wrote ${out}/`);
