export { FtpServer, type CloseOptions, type ServerStats } from './server.js';
export {
  FtpOptionsError,
  type ActiveOptions,
  type AnonymousOptions,
  type FileSystemFactory,
  type FtpServerOptions,
  type PassiveOptions,
  type StaticUser,
  type TimeoutOptions,
} from './options.js';
export type { ExtensionOptions, HashFeatureOptions, ModeZOptions, VirtualHost } from './extension-options.js';
export type {
  AbortReason,
  AttributeChange,
  FtpServerEvents,
  LoginFailureReason,
  SessionEvent,
  TransferDirection,
  TransferEvent,
} from './events.js';
export type {
  CommandHookContext,
  CommandVerdict,
  ConnectHook,
  ConnectHookContext,
  ConnectVerdict,
  DisconnectHook,
  HookName,
  HookOptions,
  HookReply,
  HookTypes,
  PostCommandHook,
  PostCommandHookContext,
  PreCommandHook,
  UploadCommitContext,
  UploadCommitHook,
  UploadVerdict,
} from './hooks.js';
export { FtpError, errorKind, errorToReply, isFtpError, type FtpErrorKind } from './errors.js';
export type { Authenticate, AuthRequest, FtpUser, PathRule, Permission, UserLimits } from './auth/types.js';
export { ALL_PERMISSIONS, READ_ONLY_PERMISSIONS } from './auth/types.js';
export { staticUsers } from './auth/static-users.js';
export type {
  FileStat,
  FileSystem,
  FileType,
  FsContext,
  HashAlgorithm,
  HashOptions,
  ReadOptions,
  WriteOptions,
  WriteResult,
} from './fs/types.js';
export { LocalFileSystem, type LocalFileSystemOptions } from './fs/local.js';
export { MemoryFileSystem, type MemoryFiles } from './fs/memory.js';
export type { SessionInfo } from './session/info.js';
export type { Session } from './session/session.js';
export type { CommandContext, CommandSpec } from './commands/spec.js';
export { ReplyCode, type ReplyCodeName, type ReplyCodeValue } from './protocol/reply-codes.js';
export { defaultReplyTexts } from './protocol/reply-texts.js';
export { defaultMessages, type MessageKey, type Messages } from './protocol/messages.js';
export type { Logger } from './logger.js';
export type { FtpSession, TransferStatus } from './session/info.js';
export {
  diagnosticsChannels,
  type CommandTrace,
  type SessionCloseMessage,
  type SessionLoginFailedMessage,
  type SessionLoginMessage,
  type SessionOpenMessage,
  type TransferTrace,
} from './diagnostics.js';
export type { BandwidthOptions, ProgressOptions } from './limits/options.js';
export type { AntiFloodOptions, ConnectionLimitOptions, LockoutOptions, LoginThrottleOptions } from './security/options.js';
export type { FtpTlsOptions, TlsContextOptions, TlsContextSource, TlsRequirement } from './tls/options.js';
export { certificateFiles, type CertificateFiles } from './tls/files.js';
export { AddressList } from './net/cidr.js';
export { VERSION } from './version.js';
export { ReadOnlyFileSystem, readOnly } from './fs/read-only.js';
export { RootedFileSystem, rooted } from './fs/rooted.js';
export { MountFileSystem, mountTable, type Mount } from './fs/mounts.js';
export { OPTIONAL_FS_METHODS, type OptionalFsMethod } from './fs/types.js';
