import { Readable } from 'node:stream';
import { FtpError } from '../errors.js';
import { baseName, parentPath, splitPath } from '../session/paths.js';
import type { FileStat, FileSystem, FsContext, ReadOptions, WriteOptions } from './types.js';

interface FileNode {
  type: 'file';
  data: Buffer;
  mtime: Date;
  created: Date;
  mode: number;
  id: number;
}

interface DirectoryNode {
  type: 'directory';
  children: Map<string, Node>;
  mtime: Date;
  created: Date;
  mode: number;
  id: number;
}

type Node = FileNode | DirectoryNode;

/** Initial content: a path ending in "/" is a directory, anything else a file. */
export type MemoryFiles = Record<string, string | Uint8Array | null>;

/**
 * A whole tree in memory: for tests, demos and as a model of the contract.
 * Uploads are atomic: an interrupted upload leaves the previous content intact.
 */
export class MemoryFileSystem implements FileSystem {
  private nextId = 1;
  private readonly root: DirectoryNode = this.newDirectory();

  constructor(files: MemoryFiles = {}) {
    for (const [path, content] of Object.entries(files)) {
      if (path.endsWith('/') || content === null) this.makeDirectories(splitPath(path));
      else {
        const segments = splitPath(path);
        const dir = this.makeDirectories(segments.slice(0, -1));
        dir.children.set(segments.at(-1)!, this.newFile(Buffer.from(content)));
      }
    }
  }

  async stat(path: string, _ctx?: FsContext): Promise<FileStat> {
    return this.describe(baseName(path) || '/', this.lookup(path));
  }

  async list(path: string, _ctx?: FsContext): Promise<FileStat[]> {
    const dir = this.directory(path);
    return [...dir.children].map(([name, node]) => this.describe(name, node));
  }

  async read(path: string, options: ReadOptions, _ctx?: FsContext): Promise<Readable> {
    const file = this.file(path);
    return Readable.from([file.data.subarray(options.start)], { objectMode: false });
  }

  async write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void> {
    const parent = this.directory(parentPath(path));
    const name = baseName(path);
    const existing = parent.children.get(name);
    if (existing?.type === 'directory') throw new FtpError('is-a-directory');
    const chunks: Buffer[] = [];
    for await (const chunk of source) {
      if (ctx.signal.aborted) throw new FtpError('aborted');
      chunks.push(chunk as Buffer);
    }
    // Look again: the tree may have changed while bytes were arriving.
    const target = parent.children.get(name);
    const old = target?.type === 'file' ? target.data : Buffer.alloc(0);
    const prefix = options.append ? old : old.subarray(0, Math.min(options.start, old.length));
    if (!options.append && options.start > old.length) throw new FtpError('invalid-argument', 'Restart position beyond end of file.');
    const data = Buffer.concat([prefix, ...chunks]);
    if (target?.type === 'file') {
      target.data = data;
      target.mtime = new Date();
    } else {
      parent.children.set(name, this.newFile(data));
    }
    parent.mtime = new Date();
  }

  async delete(path: string, _ctx?: FsContext): Promise<void> {
    const parent = this.directory(parentPath(path));
    const node = parent.children.get(baseName(path));
    if (!node) throw new FtpError('not-found');
    if (node.type === 'directory') throw new FtpError('is-a-directory');
    parent.children.delete(baseName(path));
    parent.mtime = new Date();
  }

  async mkdir(path: string, _ctx?: FsContext): Promise<void> {
    const parent = this.directory(parentPath(path));
    const name = baseName(path);
    if (name === '' || parent.children.has(name)) throw new FtpError('exists');
    parent.children.set(name, this.newDirectory());
    parent.mtime = new Date();
  }

  async rmdir(path: string, _ctx?: FsContext): Promise<void> {
    if (path === '/') throw new FtpError('permission-denied');
    const parent = this.directory(parentPath(path));
    const node = parent.children.get(baseName(path));
    if (!node) throw new FtpError('not-found');
    if (node.type !== 'directory') throw new FtpError('not-a-directory');
    if (node.children.size > 0) throw new FtpError('directory-not-empty');
    parent.children.delete(baseName(path));
    parent.mtime = new Date();
  }

  async rename(from: string, to: string, _ctx?: FsContext): Promise<void> {
    if (from === '/' || to === '/') throw new FtpError('permission-denied');
    if (to === from) return;
    if (to.startsWith(from + '/')) throw new FtpError('invalid-argument', 'Cannot move a directory into itself.', { public: true });
    const source = this.directory(parentPath(from));
    const node = source.children.get(baseName(from));
    if (!node) throw new FtpError('not-found');
    const target = this.directory(parentPath(to));
    const existing = target.children.get(baseName(to));
    // As rename(2): a file may replace a file, a directory an empty directory.
    if (existing && (existing.type !== node.type || (existing.type === 'directory' && existing.children.size > 0))) {
      throw new FtpError('exists');
    }
    source.children.delete(baseName(from));
    target.children.set(baseName(to), node);
    source.mtime = target.mtime = new Date();
  }

  async setModifiedTime(path: string, time: Date, _ctx?: FsContext): Promise<void> {
    this.lookup(path).mtime = time;
  }

  async setCreatedTime(path: string, time: Date, _ctx?: FsContext): Promise<void> {
    this.lookup(path).created = time;
  }

  async chmod(path: string, mode: number, _ctx?: FsContext): Promise<void> {
    this.lookup(path).mode = mode & 0o7777;
  }

  async usedSpace(_ctx?: FsContext): Promise<number> {
    let total = 0;
    const walk = (dir: DirectoryNode): void => {
      for (const node of dir.children.values()) {
        if (node.type === 'file') total += node.data.length;
        else walk(node);
      }
    };
    walk(this.root);
    return total;
  }

  private lookup(path: string): Node {
    let node: Node = this.root;
    for (const segment of splitPath(path)) {
      if (node.type !== 'directory') throw new FtpError('not-a-directory');
      const child = node.children.get(segment);
      if (!child) throw new FtpError('not-found');
      node = child;
    }
    return node;
  }

  private directory(path: string): DirectoryNode {
    const node = this.lookup(path);
    if (node.type !== 'directory') throw new FtpError('not-a-directory');
    return node;
  }

  private file(path: string): FileNode {
    const node = this.lookup(path);
    if (node.type !== 'file') throw new FtpError('is-a-directory');
    return node;
  }

  private makeDirectories(segments: string[]): DirectoryNode {
    let dir = this.root;
    for (const segment of segments) {
      let child = dir.children.get(segment);
      if (!child) dir.children.set(segment, (child = this.newDirectory()));
      if (child.type !== 'directory') throw new Error(`MemoryFileSystem: ${segment} is a file`);
      dir = child;
    }
    return dir;
  }

  private describe(name: string, node: Node): FileStat {
    return {
      name,
      type: node.type,
      size: node.type === 'file' ? node.data.length : 0,
      mtime: node.mtime,
      created: node.created,
      mode: node.mode,
      unique: `m${node.id}`,
      nlink: 1,
    };
  }

  private newFile(data: Buffer): FileNode {
    const now = new Date();
    return { type: 'file', data, mtime: now, created: now, mode: 0o644, id: this.nextId++ };
  }

  private newDirectory(): DirectoryNode {
    const now = new Date();
    return { type: 'directory', children: new Map(), mtime: now, created: now, mode: 0o755, id: this.nextId++ };
  }
}
