import { defaultMessages, type MessageKey } from './protocol/messages.js';
import { ReplyCode } from './protocol/reply-codes.js';

/** What went wrong in storage or auth, independent of how FTP says it. */
export type FtpErrorKind =
  | 'not-found'
  | 'exists'
  | 'permission-denied'
  | 'not-a-directory'
  | 'is-a-directory'
  | 'directory-not-empty'
  | 'no-space'
  | 'quota-exceeded'
  | 'name-not-allowed'
  | 'invalid-argument'
  | 'transient'
  | 'not-supported'
  | 'aborted';

const brand = Symbol.for('ftpkit.FtpError');

/**
 * The error storage and auth code throws to choose a reply. `message` is shown to
 * the client only when `public` is set: by default replies use safe stock texts,
 * so a server path or an OS error can never leak.
 */
export class FtpError extends Error {
  readonly kind: FtpErrorKind;
  /** Shown to the client instead of the stock text (must not contain secrets). */
  readonly publicMessage: string | undefined;
  /** Reply code to use instead of the one the kind maps to. */
  readonly code: number | undefined;

  constructor(kind: FtpErrorKind, message?: string, options?: { public?: boolean; code?: number; cause?: unknown }) {
    super(message ?? kind, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FtpError';
    this.kind = kind;
    this.publicMessage = options?.public ? message : undefined;
    this.code = options?.code;
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * `instanceof` lies when the ESM and CJS builds are both loaded, so the class is
 * branded with a registry symbol and checked here.
 */
export function isFtpError(value: unknown): value is FtpError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

const kindByErrno: Readonly<Record<string, FtpErrorKind>> = {
  ENOENT: 'not-found',
  EEXIST: 'exists',
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
  EROFS: 'permission-denied',
  ENOTDIR: 'not-a-directory',
  EISDIR: 'is-a-directory',
  ENOTEMPTY: 'directory-not-empty',
  ENOSPC: 'no-space',
  EDQUOT: 'quota-exceeded',
  ENAMETOOLONG: 'name-not-allowed',
  EINVAL: 'invalid-argument',
  ELOOP: 'not-found',
  EXDEV: 'not-supported',
  EBUSY: 'transient',
  EAGAIN: 'transient',
  EMFILE: 'transient',
  ENFILE: 'transient',
  ABORT_ERR: 'aborted',
};

/** The kind of any thrown value: an FtpError's own, a Node errno's mapping, or undefined. */
export function errorKind(error: unknown): FtpErrorKind | undefined {
  if (isFtpError(error)) return error.kind;
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return kindByErrno[code];
    if ((error as { name?: unknown }).name === 'AbortError') return 'aborted';
  }
  return undefined;
}

/** Reply code and catalogue message of each kind (hosts translate the texts with `messages`). */
const replyByKind: Readonly<Record<FtpErrorKind, { code: number; key: MessageKey }>> = {
  'not-found': { code: ReplyCode.FileUnavailable, key: 'errorNotFound' },
  exists: { code: ReplyCode.FileUnavailable, key: 'errorExists' },
  'permission-denied': { code: ReplyCode.FileUnavailable, key: 'permissionDenied' },
  'not-a-directory': { code: ReplyCode.FileUnavailable, key: 'notADirectory' },
  'is-a-directory': { code: ReplyCode.FileUnavailable, key: 'errorIsADirectory' },
  'directory-not-empty': { code: ReplyCode.FileUnavailable, key: 'errorDirectoryNotEmpty' },
  'no-space': { code: ReplyCode.InsufficientStorage, key: 'errorNoSpace' },
  'quota-exceeded': { code: ReplyCode.ExceededStorage, key: 'errorQuotaExceeded' },
  'name-not-allowed': { code: ReplyCode.FileNameNotAllowed, key: 'errorNameNotAllowed' },
  'invalid-argument': { code: ReplyCode.ArgumentSyntaxError, key: 'errorInvalidArgument' },
  transient: { code: ReplyCode.FileUnavailableBusy, key: 'errorTransient' },
  'not-supported': { code: ReplyCode.NotImplemented, key: 'errorNotSupported' },
  aborted: { code: ReplyCode.LocalError, key: 'errorAborted' },
};

const english = (key: MessageKey): string => defaultMessages[key];

/**
 * The one place errors become replies. Anything unknown is 451 with a stock
 * text: never a crash, never an OS message or a server path. `text` gives the
 * stock texts in the session's language (`session.t`); English by default.
 */
export function errorToReply(error: unknown, text: (key: MessageKey) => string = english): { code: number; text: string } {
  const kind = errorKind(error);
  if (kind === undefined) return { code: ReplyCode.LocalError, text: text('localError') };
  const mapped = replyByKind[kind];
  if (isFtpError(error)) {
    return { code: error.code ?? mapped.code, text: error.publicMessage ?? text(mapped.key) };
  }
  return { code: mapped.code, text: text(mapped.key) };
}
