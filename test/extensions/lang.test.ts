import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

test('LANG: English built in, FEAT marks the current language', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.ok((await c.cmd('FEAT')).lines.includes(' LANG EN*'));
  assert.equal((await c.cmd('LANG en')).code, 200);
  assert.equal((await c.cmd('LANG EN-us')).code, 200, 'a regional tag falls back to its language');
  const unknown = await c.cmd('LANG de');
  assert.equal(unknown.code, 504);
  assert.equal(unknown.text, 'Language de not supported.');
  assert.equal((await c.cmd('LANG de_DE!')).code, 501);
});

test('LANG: a host adds a language with the languages option; texts and stock code texts switch', async (t) => {
  const { port } = await startServer(t, {
    languages: {
      fr: {
        langOk: 'Langue choisie : {language}.',
        noop: 'NOOP accepté.',
        passwordRequired: 'Mot de passe requis pour {user}.',
        [502]: 'Commande non implémentée.',
      },
    },
  });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.ok((await c.cmd('FEAT')).lines.includes(' LANG EN*;FR'));
  const set = await c.cmd('LANG fr-CA');
  assert.equal(set.code, 200);
  assert.equal(set.text, 'Langue choisie : FR.');
  assert.ok((await c.cmd('FEAT')).lines.includes(' LANG EN;FR*'));
  assert.equal((await c.cmd('NOOP')).text, 'NOOP accepté.');
  assert.equal((await c.cmd('USER test')).text, 'Mot de passe requis pour test.');
  // A text the language leaves out comes from the default catalogue.
  assert.equal((await c.cmd('PASS test')).text, 'User test logged in.');
  const back = await c.cmd('LANG');
  assert.equal(back.code, 200);
  assert.equal(back.text, 'Language set to EN.');
  assert.equal((await c.cmd('NOOP')).text, 'NOOP ok.');
});
