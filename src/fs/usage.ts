import { joinPath } from '../session/paths.js';
import type { FileSystem, FsContext } from './types.js';

/**
 * Bytes stored in a whole tree: the filesystem's own `usedSpace` when it has
 * one, else a walk of every directory (streamed, one level at a time).
 */
export async function usedBytes(fs: FileSystem, ctx: FsContext): Promise<number> {
  if (fs.usedSpace) return fs.usedSpace(ctx);
  let total = 0;
  const pending = ['/'];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for await (const entry of await fs.list(dir, ctx)) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (entry.type === 'directory') pending.push(joinPath(dir, entry.name));
      else if (entry.type === 'file') total += entry.size;
    }
  }
  return total;
}
