/**
 * A storage backend in the style of an object store (S3, GCS, Azure Blob):
 * flat keys, whole-object writes, no seeking. The adapter below is the part a
 * host writes; `ObjectStore` stands in for the cloud SDK.
 *
 *   npx tsx examples/object-store.ts
 *
 * Log in as demo / demo. Folders are key prefixes; APPE and resumed uploads
 * are refused (an object cannot be written in place); resumed downloads work
 * by skipping bytes.
 */
import { Readable } from 'node:stream';
import { FtpError, FtpServer, type FileStat, type FileSystem, type FsContext, type ReadOptions, type WriteOptions } from 'ftpkit';

/** What a cloud SDK offers: whole objects by key, listed by prefix. */
class ObjectStore {
  private readonly objects = new Map<string, { body: Buffer; modified: Date }>();
  /** Consumes the stream (a real SDK would upload it in parts) and stores it as one object. */
  async put(key: string, body: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of body) {
      signal.throwIfAborted();
      parts.push(Buffer.from(part));
    }
    this.objects.set(key, { body: Buffer.concat(parts), modified: new Date() });
  }
  /** A stream of the whole object: no range requests in this store. */
  get(key: string): Readable | undefined {
    const object = this.objects.get(key);
    return object && Readable.from([object.body]);
  }
  head(key: string) {
    const object = this.objects.get(key);
    return object && { size: object.body.length, modified: object.modified };
  }
  delete(key: string): void {
    this.objects.delete(key);
  }
  keys(prefix: string): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix));
  }
}

/** "/docs/a.txt" → "docs/a.txt"; the folder "/docs" → prefix "docs/"; "/" → "". */
const keyOf = (path: string) => path.slice(1);
const prefixOf = (path: string) => (path === '/' ? '' : `${keyOf(path)}/`);

/** The FileSystem contract on top of the store. Paths arrive normalized and jailed. */
class ObjectStoreFileSystem implements FileSystem {
  constructor(private readonly store: ObjectStore) {}

  async stat(path: string): Promise<FileStat> {
    const name = path.slice(path.lastIndexOf('/') + 1) || '/';
    const object = path === '/' ? undefined : this.store.head(keyOf(path));
    if (object) return { name, type: 'file', size: object.size, mtime: object.modified };
    // A folder exists while any key (or the "folder/" marker mkdir writes) lies below it.
    if (path === '/' || this.store.keys(prefixOf(path)).length > 0) return { name, type: 'directory', size: 0, mtime: new Date(0) };
    throw new FtpError('not-found');
  }

  async list(path: string): Promise<FileStat[]> {
    await this.stat(path);
    const prefix = prefixOf(path);
    const entries = new Map<string, FileStat>();
    for (const key of this.store.keys(prefix)) {
      const rest = key.slice(prefix.length);
      if (rest === '') continue; // the folder's own marker
      const slash = rest.indexOf('/');
      if (slash === -1) entries.set(rest, await this.stat(`/${key}`));
      else entries.set(rest.slice(0, slash), { name: rest.slice(0, slash), type: 'directory', size: 0, mtime: new Date(0) });
    }
    return [...entries.values()];
  }

  async read(path: string, options: ReadOptions): Promise<Readable> {
    const body = this.store.get(keyOf(path));
    if (!body) throw new FtpError('not-found');
    return options.start === 0 ? body : Readable.from(skip(body, options.start));
  }

  async write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void> {
    if (options.append || options.start > 0) {
      throw new FtpError('not-supported', 'This storage cannot append to or resume an upload; upload the whole file.', { public: true });
    }
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if ((await this.stat(parent)).type !== 'directory') throw new FtpError('not-a-directory');
    await this.store.put(keyOf(path), source, ctx.signal);
  }

  async delete(path: string): Promise<void> {
    if (!this.store.head(keyOf(path))) throw new FtpError('not-found');
    this.store.delete(keyOf(path));
  }

  async mkdir(path: string, ctx: FsContext): Promise<void> {
    if (this.store.head(keyOf(path)) || this.store.keys(prefixOf(path)).length > 0) throw new FtpError('exists');
    await this.store.put(prefixOf(path), Readable.from([]), ctx.signal);
  }

  async rmdir(path: string): Promise<void> {
    const keys = this.store.keys(prefixOf(path));
    if (keys.length === 0) throw new FtpError('not-found');
    if (keys.some((key) => key !== prefixOf(path))) throw new FtpError('directory-not-empty');
    this.store.delete(prefixOf(path));
  }

  /** Objects cannot be renamed: copy, then delete. Folders would mean copying every key below. */
  async rename(from: string, to: string, ctx: FsContext): Promise<void> {
    const body = this.store.get(keyOf(from));
    if (!body) throw new FtpError('not-supported', 'Folders cannot be renamed on this storage.', { public: true, code: 553 });
    await this.store.put(keyOf(to), body, ctx.signal);
    this.store.delete(keyOf(from));
  }
}

/** Drops the first `count` bytes of a stream: how to resume a download without seeking. */
async function* skip(source: AsyncIterable<Buffer>, count: number): AsyncGenerator<Buffer> {
  let left = count;
  for await (const chunk of source) {
    if (left >= chunk.length) left -= chunk.length;
    else {
      yield left > 0 ? chunk.subarray(left) : chunk;
      left = 0;
    }
  }
}

const store = new ObjectStore();
await store.put('readme.txt', Readable.from(['Stored as an object under the key "readme.txt".\n']), AbortSignal.timeout(1000));
await store.put('photos/', Readable.from([]), AbortSignal.timeout(1000));

const server = new FtpServer({ filesystem: new ObjectStoreFileSystem(store), users: [{ username: 'demo', password: 'demo' }] });
server.on('transferEnd', ({ direction, path, bytes }) => console.log(`${direction} ${path} (${bytes} bytes)`));

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
console.log(`listening on ftp://127.0.0.1:${port}`);
