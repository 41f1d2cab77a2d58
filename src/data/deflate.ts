import { constants, createDeflate, createUnzip } from 'node:zlib';
import type { Session } from '../session/session.js';

/**
 * MODE Z (draft-preston-ftpext-deflate): data connections carry one zlib
 * stream (RFC 1950) per transfer — downloads and listings are compressed here,
 * uploads inflated. This is what lftp (`set ftp:use-mode-z true`) and other
 * clients speak; gzip-wrapped uploads are accepted too. The level comes from
 * the `modeZ.level` option or the session's `OPTS MODE Z LEVEL n`.
 */

interface ModeZState {
  level?: number;
}

function state(session: Session): ModeZState {
  return ((session.extra.modeZ as ModeZState | undefined) ??= {});
}

export function modeZLevel(session: Session): number {
  return state(session).level ?? session.server.options.modeZ.level;
}

export function setModeZLevel(session: Session, level: number): void {
  state(session).level = level;
}

/** Steps that compress outgoing data (after TYPE A conversion), none outside MODE Z. */
export function compressSteps(session: Session): NodeJS.ReadWriteStream[] {
  return session.mode === 'Z' ? [createDeflate({ level: modeZLevel(session) })] : [];
}

/**
 * Steps that inflate incoming data (before TYPE A conversion). A client that
 * closes the connection without a complete zlib trailer (or sends nothing for
 * an empty file) still stores what arrived, as in stream mode.
 */
export function decompressSteps(session: Session): NodeJS.ReadWriteStream[] {
  return session.mode === 'Z' ? [createUnzip({ finishFlush: constants.Z_SYNC_FLUSH })] : [];
}
