import { noop } from './commands.js';
import { concurrent } from './concurrent.js';
import { list, listHuge, mlsdHuge } from './listings.js';
import { memory } from './memory.js';
import { smallFiles } from './small-files.js';
import { transferCases } from './transfers.js';
import type { CaseDef } from './types.js';

/** Every case, in table order. */
export const CASES: CaseDef[] = [...transferCases, smallFiles, noop, concurrent, list, listHuge, mlsdHuge, memory];

/** Names for several cases at once (`--cases transfers,noop`). */
export const CASE_GROUPS: Record<string, string[]> = {
  transfers: ['retr', 'stor', 'retr-tls', 'stor-tls'],
  plain: ['retr', 'stor'],
  tls: ['retr-tls', 'stor-tls'],
  listings: ['list', 'list-huge', 'mlsd-huge'],
};
