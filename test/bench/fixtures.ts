import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The files the cases read: a big file, directories of many entries. Building
 * a 1,000,000-entry directory takes a while, so fixtures are built once into
 * `<work>/fixtures` and reused across runs; each server gets a fresh, empty
 * root per case and the fixtures it needs are moved in (a rename, instant)
 * and moved back out afterwards.
 */
export interface Fixture {
  name: string;
  build(path: string): void;
}

export function bigFile(bytes: number): Fixture {
  return {
    name: `file-${bytes}.bin`,
    build(path) {
      const block = randomBytes(1024 * 1024);
      const fd = openSync(path, 'w', 0o644);
      try {
        for (let left = bytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(left, block.length));
      } finally {
        closeSync(fd);
      }
    },
  };
}

export function bigDirectory(entries: number): Fixture {
  return {
    name: `dir-${entries}`,
    build(path) {
      mkdirSync(path, { mode: 0o755 });
      const width = String(entries - 1).length;
      for (let i = 0; i < entries; i++) writeFileSync(join(path, `f${String(i).padStart(width, '0')}`), '', { mode: 0o644 });
    },
  };
}

const ROOT_PREFIX = 'root-';

export class FixtureStore {
  private readonly dir: string;

  constructor(private readonly workDir: string) {
    this.dir = join(workDir, 'fixtures');
    mkdirSync(this.dir, { recursive: true });
    chmodSync(workDir, 0o755);
    chmodSync(this.dir, 0o755);
    this.recover();
  }

  /** Builds the fixture unless a complete copy is there. */
  ensure(fixture: Fixture, log: (line: string) => void): void {
    const path = join(this.dir, fixture.name);
    const marker = `${path}.complete`;
    if (existsSync(marker) && existsSync(path)) return;
    log(`building fixture ${fixture.name} (once; kept in ${this.dir})`);
    rmSync(path, { recursive: true, force: true });
    rmSync(marker, { force: true });
    fixture.build(path);
    writeFileSync(marker, '');
  }

  /** A fresh root (world-traversable: the C servers switch to another uid) holding the fixtures. */
  lend(fixtures: readonly Fixture[]): { root: string; giveBack(): void } {
    const root = mkdtempSync(join(this.workDir, ROOT_PREFIX));
    chmodSync(root, 0o755);
    for (const f of fixtures) renameSync(join(this.dir, f.name), join(root, f.name));
    return {
      root,
      giveBack: () => {
        for (const f of fixtures) {
          if (existsSync(join(root, f.name))) renameSync(join(root, f.name), join(this.dir, f.name));
        }
        rmSync(root, { recursive: true, force: true });
      },
    };
  }

  /** After a crash: fixtures still inside an old root go back to the store, the root goes. */
  private recover(): void {
    for (const entry of readdirSync(this.workDir)) {
      if (!entry.startsWith(ROOT_PREFIX)) continue;
      const root = join(this.workDir, entry);
      for (const name of readdirSync(root)) {
        if (existsSync(join(this.dir, `${name}.complete`)) && !existsSync(join(this.dir, name))) {
          renameSync(join(root, name), join(this.dir, name));
        }
      }
      rmSync(root, { recursive: true, force: true });
    }
  }
}
