/**
 * The public types as a host sees them, from the BUILT package (dist/*.d.ts,
 * through the exports map). Type-checked by test/types.test.ts: a change that
 * breaks a host's code makes a line here fail to compile.
 */
import {
  FtpServer,
  MemoryFileSystem,
  MountFileSystem,
  diagnosticsChannels,
  readOnly,
  rooted,
  type AbortReason,
  type AttributeChange,
  type CommandTrace,
  type FileSystem,
  type FtpServerEvents,
  type FtpSession,
  type FtpUser,
  type HookName,
  type LoginFailureReason,
  type ServerStats,
  type UploadCommitContext,
} from 'ftpkit';
import { startTestServer, type TestServer } from 'ftpkit/testing';
import { expectTrue, type Equal } from './expect.js';

// --- The generic user type flows from authenticate to events, hooks and sessions.
interface AppUser extends FtpUser {
  tenant: string;
}
const server = new FtpServer<AppUser>({
  filesystem: new MemoryFileSystem(),
  authenticate: async ({ username, signal }) => {
    expectTrue<Equal<typeof signal, AbortSignal>>();
    return username === 'a' ? { username, tenant: 't1' } : null;
  },
  userLimits: { quotaBytes: 1e6, maxFileSize: 1e5, uploadRate: 1e5, downloadRate: 1e5, maxSessions: 2 },
  bandwidth: { uploadRate: 1e6, downloadRate: 1e6 },
  progress: { intervalMs: 500, bytes: 65536 },
  hooks: {
    preCommand: [({ command, path }) => (command === 'DELE' && path === '/x' ? { code: 550, message: 'no' } : undefined), () => ({ close: true })],
    beforeUploadCommit: ({ user }) => (user.tenant === 'blocked' ? { code: 553, message: 'no', keep: true } : undefined),
  },
});
server.on('login', ({ user, session, seq }) => {
  expectTrue<Equal<typeof user.tenant, string>>();
  expectTrue<Equal<typeof session, FtpSession<AppUser>>>();
  expectTrue<Equal<typeof seq, number>>();
});
server.on('transferAborted', ({ reason, code, bytes, durationMs, direction }) => {
  expectTrue<Equal<typeof reason, AbortReason>>();
  expectTrue<Equal<[typeof code, typeof bytes, typeof durationMs], [number, number, number]>>();
  expectTrue<Equal<typeof direction, 'download' | 'upload' | 'listing'>>();
});
server.on('attributesChanged', (event) => {
  if (event.attribute === 'mode') expectTrue<Equal<typeof event.mode, number>>();
  else expectTrue<Equal<typeof event.time, Date>>();
});
server.on('loginFailed', ({ reason }) => expectTrue<Equal<typeof reason, LoginFailureReason>>());
server.on('logout', ({ reason, user }) => void [reason.length, user.tenant]);

// --- The sets that hosts switch over are exactly these (adding one is a visible change).
expectTrue<Equal<AbortReason, 'abor' | 'disconnect' | 'error' | 'timeout' | 'shutdown' | 'host' | 'limit' | 'rejected'>>();
expectTrue<Equal<LoginFailureReason, 'bad-credentials' | 'auth-error' | 'auth-timeout' | 'throttled' | 'not-allowed' | 'no-storage'>>();
expectTrue<Equal<HookName, 'onConnect' | 'preCommand' | 'postCommand' | 'beforeUploadCommit' | 'onDisconnect'>>();
expectTrue<Equal<AttributeChange['attribute'], 'mode' | 'modified' | 'created'>>();
expectTrue<
  Equal<
    keyof FtpServerEvents,
    | 'listening'
    | 'connection'
    | 'login'
    | 'loginFailed'
    | 'logout'
    | 'command'
    | 'reply'
    | 'transferStart'
    | 'transferProgress'
    | 'transferEnd'
    | 'transferAborted'
    | 'fileDeleted'
    | 'directoryCreated'
    | 'directoryRemoved'
    | 'renamed'
    | 'attributesChanged'
    | 'disconnect'
    | 'error'
    | 'close'
  >
>();
expectTrue<Equal<typeof diagnosticsChannels.command, 'ftpkit:command'>>();
expectTrue<Equal<CommandTrace['command'], string>>();

// --- Hooks added later are typed by name, with the host's user.
const remove = server.addHook('beforeUploadCommit', async (ctx) => {
  expectTrue<Equal<typeof ctx, UploadCommitContext<AppUser>>>();
  const stream = await ctx.filesystem.read(ctx.path, { start: 0 }, ctx); // the context is an FsContext
  void stream;
  return { code: 550, message: `refused for ${ctx.user.tenant}` };
});
expectTrue<Equal<typeof remove, () => void>>();
// @ts-expect-error: no such hook
server.addHook('beforeDownload', () => undefined);
// @ts-expect-error: a reply code is a number
server.addHook('preCommand', () => ({ code: '550' }));

// --- Host control.
const first: FtpSession<AppUser> | undefined = server.sessions[0];
first?.close('bye');
const aborted: boolean | undefined = first?.abortTransfer();
void [aborted, first?.activeTransfer?.bytes, first?.user?.tenant];
const stats: ServerStats = server.stats();
expectTrue<Equal<typeof stats.bytesUploaded, number>>();
async function disposable(): Promise<void> {
  await using owned = new FtpServer({ filesystem: new MemoryFileSystem(), users: [{ username: 'u', password: 'p' }] });
  await owned.listen(0);
}
void disposable;

// --- Storage: wrappers compose, and are FileSystems.
const tree: FileSystem = new MountFileSystem({ '/': new MemoryFileSystem(), '/ro': readOnly(new MemoryFileSystem()), '/sub': rooted(new MemoryFileSystem(), '/a') });
void tree;

// --- Options are checked: a misspelt option does not compile.
// @ts-expect-error: unknown option
void new FtpServer({ filesystem: new MemoryFileSystem(), users: [], userLimit: {} });

// --- ftpkit/testing.
async function hostTest(): Promise<void> {
  await using ftp = await startTestServer({ files: { '/a.txt': 'a' } });
  expectTrue<Equal<typeof ftp, TestServer<FtpUser>>>();
  expectTrue<Equal<typeof ftp.port, number>>();
}
void hostTest;
