import type { FileStat } from '../fs/types.js';
import { formatTimeVal } from './list-format.js';

/** Facts this server can give, in FEAT order; the starred ones are on by default. */
export const MLSX_FACTS = ['type', 'size', 'modify', 'perm', 'unique', 'unix.mode', 'create'] as const;
export const DEFAULT_MLSX_FACTS: ReadonlySet<string> = new Set(['type', 'size', 'modify', 'perm', 'unique', 'unix.mode']);

const FACT_NAMES: Readonly<Record<string, string>> = {
  type: 'type',
  size: 'size',
  modify: 'modify',
  perm: 'perm',
  unique: 'unique',
  'unix.mode': 'UNIX.mode',
  create: 'create',
};

/** The FEAT line: `MLST type*;size*;...` with selected facts starred. */
export function mlstFeatLine(selected: ReadonlySet<string>): string {
  return 'MLST ' + MLSX_FACTS.map((f) => `${FACT_NAMES[f]}${selected.has(f) ? '*' : ''};`).join('');
}

/** OPTS MLST: the requested facts this server knows (unknown ones are ignored, per RFC 3659). */
export function selectFacts(argument: string): Set<string> {
  const wanted = argument
    .split(';')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== '');
  return new Set(wanted.filter((f) => (MLSX_FACTS as readonly string[]).includes(f)));
}

/** The `selected` facts as the reply line RFC 3659 wants: `fact=value;...; name`. */
export function formatFacts(stat: FileStat, selected: ReadonlySet<string>, perm: string, typeOverride?: string): string {
  let out = '';
  for (const fact of MLSX_FACTS) {
    if (!selected.has(fact)) continue;
    switch (fact) {
      case 'type':
        out += `type=${typeOverride ?? (stat.type === 'directory' ? 'dir' : stat.type === 'file' ? 'file' : 'OS.unix=' + stat.type)};`;
        break;
      case 'size':
        if (stat.type !== 'directory') out += `size=${stat.size};`;
        break;
      case 'modify':
        out += `modify=${formatTimeVal(stat.mtime, true)};`;
        break;
      case 'perm':
        out += `perm=${perm};`;
        break;
      case 'unique':
        if (stat.unique) out += `unique=${stat.unique};`;
        break;
      case 'unix.mode':
        if (stat.mode !== undefined) out += `UNIX.mode=0${(stat.mode & 0o7777).toString(8)};`;
        break;
      case 'create':
        if (stat.created) out += `create=${formatTimeVal(stat.created, true)};`;
        break;
    }
  }
  return `${out} ${stat.name}`;
}
