import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from 'basic-ftp';
import { startServer, tempDir } from '../helpers/server.js';
import { assertSameFiles, tlsOptions, writeSampleFiles } from '../helpers/tls.js';

// basic-ftp opens the data connection's TLS (resuming the control session) as
// soon as it connects, before it sends the transfer command.

for (const mode of ['explicit', 'implicit'] as const) {
  test(`basic-ftp, ${mode} FTPS: uploads, downloads and listings in one session`, async (t) => {
    const started = await startServer(t, { local: true, tls: tlsOptions() });
    const port = mode === 'explicit' ? started.port : (await started.server.listenImplicitTls(0, '127.0.0.1')).port;
    const client = new Client(10_000);
    t.after(() => client.close());
    await client.access({ host: '127.0.0.1', port, user: 'test', password: 'test', secure: mode === 'explicit' ? true : 'implicit', secureOptions: { rejectUnauthorized: false } });
    const source = await tempDir(t);
    const names = await writeSampleFiles(source);
    for (const name of names) await client.uploadFrom(join(source, name), name);
    assertSameFiles(names, source, started.root);
    const back = await tempDir(t);
    for (const name of names) await client.downloadTo(join(back, name), name);
    assertSameFiles(names, source, back);
    assert.deepEqual((await client.list()).map((f) => f.name).sort(), names);
  });
}
