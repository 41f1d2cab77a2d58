import { bigDirectory } from '../fixtures.js';
import { FtpReplyError, type FtpClient } from '../ftp-client.js';
import { peakRss } from '../proc.js';
import { countLabel } from '../scale.js';
import { CaseFailure, NotApplicable, loginClient, type CaseDef } from './types.js';

const MB = 1024 * 1024;

/** Lists `dir` and checks that every entry came (a truncated listing is a failure, not a fast one). */
async function listing(client: FtpClient, verb: 'LIST' | 'MLSD', dir: string, entries: number): Promise<number> {
  try {
    const { lines, ms } = await client.download(`${verb} ${dir}`, true);
    if (lines < entries) throw new CaseFailure(`${verb} returned ${lines} lines for ${entries} entries`, 'truncated');
    return ms;
  } catch (error) {
    if (verb === 'MLSD' && error instanceof FtpReplyError && error.reply.code >= 500) throw new NotApplicable('no MLSD');
    throw error;
  }
}

/** Time to list a big directory, LIST and MLSD. */
export const list: CaseDef = {
  id: 'list',
  // The raw column: a bare Node FTP server (opendir, lstat, format, write), the floor of a Node listing.
  raw: 'ftp',
  fixtures: (scale) => [bigDirectory(scale.listEntries)],
  rows: (scale) => [
    { id: 'list', label: `LIST of ${countLabel(scale.listEntries)} entries`, unit: 's', better: 'lower' },
    { id: 'mlsd', label: `MLSD of ${countLabel(scale.listEntries)} entries`, unit: 's', better: 'lower' },
  ],
  async run(ctx) {
    const dir = bigDirectory(ctx.scale.listEntries).name;
    const client = await loginClient(ctx, false);
    try {
      const values: Record<string, number | NotApplicable> = {};
      values.list = (await listing(client, 'LIST', dir, ctx.scale.listEntries)) / 1000;
      try {
        values.mlsd = (await listing(client, 'MLSD', dir, ctx.scale.listEntries)) / 1000;
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
        values.mlsd = error;
      }
      return values;
    } finally {
      await client.quit();
    }
  },
};

/**
 * A huge directory: how much the server's memory grows while it lists it
 * (a server that streams stays flat), on a fresh server each run.
 */
function hugeListing(verb: 'LIST' | 'MLSD'): CaseDef {
  const id = `${verb.toLowerCase()}-huge`;
  return {
    id,
    freshServerPerRun: true,
    // The raw column: the memory a bare Node FTP server's streamed listing costs.
    raw: 'ftp',
    fixtures: (scale) => [bigDirectory(scale.hugeListEntries)],
    rows: (scale) => [
      { id: `${id}-rss`, label: `${verb} of ${countLabel(scale.hugeListEntries)}: RSS growth`, unit: 'MB', better: 'lower' },
      { id: `${id}-time`, label: `${verb} of ${countLabel(scale.hugeListEntries)}: time`, unit: 's', better: 'lower' },
    ],
    async run(ctx) {
      const dir = bigDirectory(ctx.scale.hugeListEntries).name;
      const client = await loginClient(ctx, false);
      try {
        const base = ctx.server.usage().rssBytes;
        const { result: ms, peakBytes } = await peakRss(ctx.server.pid, listing(client, verb, dir, ctx.scale.hugeListEntries));
        return { [`${id}-rss`]: (peakBytes - base) / MB, [`${id}-time`]: ms / 1000 };
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
        return { [`${id}-rss`]: error, [`${id}-time`]: error };
      } finally {
        await client.quit();
      }
    },
  };
}

export const listHuge = hugeListing('LIST');
export const mlsdHuge = hugeListing('MLSD');
