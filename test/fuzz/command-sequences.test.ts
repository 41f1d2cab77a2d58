import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createCommandTable } from '../../src/commands/index.js';
import { faultScenario } from '../helpers/fault.js';
import { checkProperty } from '../helpers/fuzz.js';
import { Wire } from './wire.js';

/**
 * Random sequences of well-formed commands (every verb of the table, random
 * case, plausible and hostile arguments), sent one by one or pipelined: each
 * command gets exactly one final reply, every reply is well-formed, and the
 * session ends in step. Malformed arguments are refused with 500/501/504
 * (502/522 where RFC 2428 says so), never guessed at, and change nothing.
 */

const table = createCommandTable();
const specs = [...table.all()];
const verbs = specs.flatMap((spec) => [spec.name, ...(spec.aliases ?? [])]).filter((verb) => verb !== 'QUIT');

const segment = fc.constantFrom('a', 'b', 'f.txt', 'd', '..', '.', '', 'x y', 'ü', '%2e%2e', '\\', '*', '-la', '~', 'very'.repeat(30));
const pathArg = fc.array(segment, { maxLength: 5 }).chain((parts) => fc.boolean().map((abs) => (abs ? '/' : '') + parts.join('/')));
const token = fc.oneof(
  pathArg,
  fc.constantFrom('A', 'I', 'L 8', 'E', 'S', 'B', 'F', 'R', 'ON', 'OFF', 'UTF8 ON', 'MLST size;type;', 'ALL', '1', '2', '0', '-1', '99999999999999999999', 'TLS', 'SSL', 'P', 'C', 'HELP', 'CHMOD 755 f.txt', 'UTIME 20200101000000 f.txt'),
  fc.constantFrom('127,0,0,1,4,1', '1,2,3', '|1|127.0.0.1|1025|', '|2|::1|1025|', '||||', '20200101000000 f.txt', '2020 f.txt'),
  fc.string({ maxLength: 12 }),
);
const argument = fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 4, arbitrary: fc.array(token, { minLength: 1, maxLength: 3 }).map((t) => t.join(' ')) });
const randomCase = (verb: string) => fc.array(fc.boolean(), { minLength: verb.length, maxLength: verb.length }).map((flags) => [...verb].map((c, i) => (flags[i] ? c.toLowerCase() : c)).join(''));
const commandLine = fc.tuple(fc.constantFrom(...verbs).chain(randomCase), argument).map(([verb, arg]) => (arg === '' ? verb : `${verb} ${arg}`));

const options = {
  files: { '/f.txt': 'hello', '/d/a': 'x', '/d/b/': null },
  loginThrottle: false,
  antiFlood: false,
  timeouts: { dataConnection: 100 },
} as const;

/** Sends the lines (all at once, or each after the previous answer) and returns every final reply code. */
async function play(wire: Wire, lines: string[], pipelined: boolean): Promise<number[]> {
  const finals = () => wire.replies().filter((r) => r.code >= 200);
  const start = finals().length;
  if (pipelined) {
    wire.write(lines.map((l) => l + '\r\n').join(''));
    await wire.until(() => finals().length >= start + lines.length, 10_000);
  } else {
    for (const [i, line] of lines.entries()) {
      wire.write(line + '\r\n');
      await wire.until(() => finals().length >= start + i + 1, 10_000);
    }
  }
  return finals()
    .slice(start)
    .map((r) => r.code);
}

test('random sequences of well-formed commands: one final reply each, all well-formed, in step at the end', async (t) => {
  await faultScenario(t, options, async ({ port }) => {
    await checkProperty(
      fc.asyncProperty(fc.array(commandLine, { minLength: 1, maxLength: 12 }), fc.boolean(), async (lines, pipelined) => {
        const wire = await Wire.open(port);
        try {
          await wire.login();
          const codes = await play(wire, lines, pipelined);
          if (wire.closed) return; // a command closed the session on purpose (421 after a hostile line...)
          assert.equal(codes.length, lines.length, `one final reply per command: ${JSON.stringify(lines)} → ${codes}`);
          // In step: the next reply belongs to the next command.
          const [noop] = await play(wire, ['NOOP'], false);
          if (!wire.closed) assert.equal(noop, 200);
        } finally {
          wire.close();
        }
      }),
      60,
    );
  });
});

/** Arguments that are wrong for their command, and the replies allowed for them. */
const malformed: [string, fc.Arbitrary<string>, number[]][] = [
  ['TYPE', fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !/^\s*(A(\s+N)?|I|L\s+8)\s*$/i.test(s) && s.trim() !== ''), [501, 504]],
  ['MODE', fc.string({ minLength: 1, maxLength: 4 }).filter((s) => s.trim().toUpperCase() !== 'S' && s.trim() !== '' && !/^\s*Z\s*$/i.test(s)), [501, 504]],
  ['STRU', fc.string({ minLength: 1, maxLength: 4 }).filter((s) => s.trim().toUpperCase() !== 'F' && s.trim() !== ''), [501, 504]],
  ['PORT', fc.oneof(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 8 }).filter((n) => n.length !== 6 || n.some((x) => x > 255)).map((n) => n.join(',')), fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^\d+(,\d+){5}$/.test(s.trim()))), [501]],
  ['EPRT', fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/^\|[12]\|[^|]+\|\d+\|$/.test(s.trim())), [501, 522]],
  ['EPSV', fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !['', '1', 'ALL'].includes(s.trim().toUpperCase())), [501, 522]],
  ['REST', fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^\s*\d{1,15}\s*$/.test(s)), [501]],
  ['ALLO', fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^\s*\d+(\s+R\s+\d+)?\s*$/i.test(s)), [501]],
  ['OPTS', fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^\s*(UTF-?8|MLST|HASH|MODE)\b/i.test(s)), [501]],
];

test('malformed arguments are refused with 500/501/504 (or 522), never guessed at, and change nothing', async (t) => {
  await faultScenario(t, options, async ({ port }) => {
    const wire = await Wire.open(port);
    try {
      await malformedRound(wire);
    } finally {
      wire.close();
    }
  });
});

async function malformedRound(wire: Wire): Promise<void> {
  await wire.login();
  const status = async () => {
    wire.write('STAT\r\n');
    const before = wire.replies().length;
    const replies = await wire.until((r) => r.length > before);
    return replies.at(-1)!.lines.filter((l) => /TYPE|data connection/i.test(l)).join('\n');
  };
  const baseline = await status();
  for (const [verb, args, allowed] of malformed) {
    await checkProperty(
      fc.asyncProperty(args, async (arg) => {
        if (/[\r\n\0]/.test(arg)) arg = arg.replace(/[\r\n\0]/g, '?'); // one line, one command
        const [code] = await play(wire, [`${verb} ${arg}`], false);
        assert.ok(allowed.includes(code!), `${verb} ${JSON.stringify(arg)} → ${code}, expected one of ${allowed}`);
      }),
      25,
    );
    assert.equal(await status(), baseline, `${verb}: a refused argument changed the session`);
  }
  // Unknown verbs are 500; known verbs with an argument they forbid, or without one they need, are 501.
  await checkProperty(
    fc.asyncProperty(fc.stringMatching(/^[A-Z]{3,6}$/).filter((v) => !table.lookup(v)), async (verb) => {
      assert.deepEqual(await play(wire, [verb, `${verb} arg`], false), [500, 500]);
    }),
    25,
  );
  for (const spec of specs) {
    // A command switched off for this server (no TLS, no virtual hosts...) is 502 whatever its argument.
    const refusals = spec.enabled ? [501, 502] : [501];
    if (spec.argument === 'none') assert.ok(refusals.includes((await play(wire, [`${spec.name} unexpected`], false))[0]!), spec.name);
    if (spec.argument === 'required' && spec.name !== 'PASS') assert.ok(refusals.includes((await play(wire, [spec.name], false))[0]!), spec.name);
  }
  assert.equal(await status(), baseline);
}
