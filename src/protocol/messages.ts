/**
 * Named reply texts. Every text the server sends comes from this catalogue (or
 * from the per-code defaults in reply-texts.ts), so a host can rebrand or
 * translate any of them with the `messages` option, per language for LANG.
 * `{name}` placeholders are filled in at send time.
 */
export const defaultMessages = {
  greeting: 'FTP server ready.',
  goodbye: 'Goodbye.',
  unknownCommand: 'Command not understood.',
  notImplemented: '{command} not implemented.',
  notLoggedIn: 'Please log in with USER and PASS.',
  argumentRequired: '{command} needs an argument.',
  argumentForbidden: '{command} takes no argument.',
  lineTooLong: 'Command line too long.',
  permissionDenied: 'Permission denied.',
  localError: 'Local error in processing.',
  passwordRequired: 'Password required for {user}.',
  anonymousPassword: 'Anonymous login okay, send your e-mail address as password.',
  loginOk: 'User {user} logged in.',
  loginFailed: 'Login incorrect.',
  alreadyLoggedIn: 'Already logged in.',
  userFirst: 'Send USER first.',
  accountNotNeeded: 'No account needed.',
  reinitialized: 'Session reinitialized, log in again.',
  noStorage: 'No storage is configured for this user.',
  cwdOk: 'Directory changed to {path}.',
  pwd: '{path} is the current directory.',
  mkdOk: '{path} created.',
  rmdOk: 'Directory removed.',
  deleOk: 'File deleted.',
  renameReady: 'File exists, ready for destination name.',
  renameOk: 'Rename successful.',
  renameFirst: 'Send RNFR first.',
  notAFile: 'Not a plain file.',
  notADirectory: 'Not a directory.',
  typeSet: 'Type set to {type}.',
  typeUnsupported: 'Type {type} not supported.',
  struOk: 'Structure set to F.',
  struUnsupported: 'Only file structure (F) is supported.',
  modeOk: 'Mode set to {mode}.',
  modeUnsupported: 'Mode {mode} not supported.',
  restOk: 'Restarting at {offset}. Send STOR or RETR to start the transfer.',
  restInvalid: 'Invalid restart position.',
  allo: 'No storage allocation necessary.',
  smnt: 'Structure mount not supported.',
  portOk: 'PORT command successful.',
  portBadSyntax: 'Invalid address: use h1,h2,h3,h4,p1,p2.',
  eprtBadSyntax: 'Invalid address: use |proto|address|port|.',
  portOtherHost: 'Data connection must go to your own address.',
  portLowPort: 'Data connection to a port below 1024 refused.',
  activeDisabled: 'Active mode is disabled, use passive mode (EPSV or PASV).',
  epsvAllActive: 'EPSV ALL in effect: only EPSV may set up data connections.',
  epsvAllOk: 'EPSV ALL accepted.',
  networkProtocol: 'Network protocol not supported, use ({protocols}).',
  pasvIpv6: 'PASV is IPv4 only on this connection, use EPSV.',
  pasvOk: 'Entering Passive Mode ({address}).',
  epsvOk: 'Entering Extended Passive Mode (|||{port}|).',
  pasvFailed: 'Cannot open a passive port, try again later.',
  openingData: 'Opening {type} mode data connection for {what}.',
  transferComplete: 'Transfer complete.',
  uniqueComplete: 'Transfer complete (unique file name: {name}).',
  listingComplete: 'Listing complete.',
  dataConnectionFailed: "Can't open data connection.",
  dataConnectionTimeout: 'Data connection not opened in time.',
  noDataConnection: 'Use PORT, EPRT, PASV or EPSV first.',
  transferAborted: 'Connection closed; transfer aborted.',
  aborOk: 'ABOR command successful.',
  aborNoTransfer: 'No transfer to abort.',
  noop: 'NOOP ok.',
  system: 'UNIX Type: L8',
  featHeader: 'Features:',
  featFooter: 'End',
  helpHeader: 'The following commands are recognized:',
  helpFooter: 'Help OK.',
  helpUnknown: 'Unknown command {command}.',
  siteHelpHeader: 'SITE commands:',
  siteUnknown: 'Unknown SITE command {command}.',
  utf8On: 'UTF-8 mode enabled.',
  utf8Off: 'UTF-8 mode disabled.',
  optsUnknown: 'Option not understood.',
  statusHeader: 'FTP server status:',
  statusFooter: 'End of status.',
  statusFile: 'Status of {path}:',
  transferInProgress: 'Transfer in progress: {bytes} bytes.',
  shuttingDown: 'Server shutting down, try again later.',
  tooManyConnections: 'Too many connections, try again later.',
  idleTimeout: 'Idle timeout, closing control connection.',
  loginTimeout: 'Login timeout, closing control connection.',
  connectionRefused: 'Connection refused.',
  // Storage errors by kind (errors.ts maps each kind to a code and one of these).
  errorNotFound: 'No such file or directory.',
  errorExists: 'File exists.',
  errorIsADirectory: 'Is a directory.',
  errorDirectoryNotEmpty: 'Directory not empty.',
  errorNoSpace: 'Insufficient storage space.',
  errorQuotaExceeded: 'Exceeded storage allocation.',
  errorNameNotAllowed: 'File name not allowed.',
  errorInvalidArgument: 'Invalid argument.',
  errorTransient: 'File unavailable, try again later.',
  errorNotSupported: 'Not supported by this file system.',
  errorAborted: 'Action aborted.',
  uploadRejected: 'Upload rejected.',
  uploadCheckFailed: 'Upload could not be checked, try again later.',
  fileTooLarge: 'File too large: the limit is {limit} bytes.',
  quotaExceeded: 'Quota exceeded: {limit} bytes allowed.',
  tooManyUserSessions: 'Too many sessions for this user, try again later.',
  // Defences (docs/security.md): clear texts, never a hint whether a user exists.
  greetingVersion: 'FTP server ready (ftpkit {version}).',
  tooManyConnectionsFromAddress: 'Too many connections from your address, try again later.',
  addressLockedOut: 'Too many failed logins from your address, try again later.',
  addressBanned: 'Too many commands from your address, try again later.',
  flooding: 'Too many commands too fast, closing control connection.',
  loginLockedOut: 'Too many failed logins, try again later.',
  tooManyLoginAttempts: 'Too many failed logins, closing control connection.',
  transferStalled: 'No data moved for too long; transfer aborted.',
  // Extensions: RFC 1639, 2640, 7151, MFMT/MFF, HASH, MODE Z, SITE, obsolete commands.
  obsoleteCommand: '{command} is an obsolete {what} command (RFC {rfc}) and is not implemented; use e-mail (SMTP) instead.',
  clientNoted: 'Client name noted.',
  alloOk: 'ALLO okay, {available} bytes available.',
  alloNoSpace: 'Not enough space: {available} bytes available.',
  alloTooLarge: 'That exceeds your storage allocation.',
  lpsvOk: 'Entering Long Passive Mode ({address}).',
  lprtBadSyntax: 'Invalid address: use af,hal,h1,...,pal,p1,p2.',
  addressFamilies: 'Supported address families are ({families}).',
  langOk: 'Language set to {language}.',
  langUnsupported: 'Language {language} not supported.',
  hostOk: 'Host {host} selected, log in with USER and PASS.',
  hostUnknown: 'Unknown host {host}.',
  hostTooLate: 'HOST must come before USER and PASS.',
  timeInvalid: 'Invalid time: use YYYYMMDDHHMMSS (UTC).',
  factUnsupported: 'Cannot set the fact {fact}.',
  mdtmNoSetTime: 'MDTM takes only a path; use MFMT to set the modification time.',
  hashUnknownAlgorithm: 'Unknown algorithm, current selection not changed.',
  hashBusy: 'Too many hashes in progress, try again later.',
  hashTooLarge: 'Range too large to hash by policy.',
  hashDirectory: 'Cannot hash a directory.',
  hashAborted: 'Hash aborted.',
  rangOk: 'Range set: bytes {start} to {end}.',
  rangReset: 'Range reset to the whole file.',
  rangInvalid: 'Invalid range: use RANG start end (end inclusive), RANG 1 0 resets.',
  rangNotForUpload: 'RANG applies to RETR and HASH only; send RANG 1 0 before uploading.',
  siteChmodOk: 'SITE CHMOD command successful.',
  siteChmodBadMode: 'Invalid mode: use octal digits such as 644.',
  siteUtimeOk: 'SITE UTIME command successful.',
  siteUtimeSyntax: 'Use SITE UTIME YYYYMMDDhhmmss path, or SITE UTIME path atime mtime ctime UTC.',
  modeZLevel: 'MODE Z compression level set to {level}.',
  authOk: 'Proceed with TLS negotiation.',
  authUnknown: 'Unknown security mechanism {mechanism}, use AUTH TLS.',
  tlsActive: 'TLS is already active on this connection.',
  tlsUnavailable: 'TLS is unavailable right now, try again later.',
  tlsFirst: 'Send AUTH TLS first.',
  pbszOk: 'PBSZ=0',
  pbszFirst: 'Send PBSZ 0 first.',
  pbszInvalid: 'PBSZ needs a decimal number.',
  protOk: 'Data protection level set to {level}.',
  protUnsupported: 'PROT {level} is not supported with TLS, use PROT P or PROT C.',
  protUnknown: 'Unknown protection level {level}.',
  protClearRefused: 'Data connections must be protected, use PROT P.',
  cccOk: 'Control connection continues in the clear.',
  cccRefused: 'CCC refused: the control connection stays protected.',
  cccNotProtected: 'The control connection is not protected.',
  adatUnused: 'No security data expected: ADAT is not used with TLS.',
  protectedCommandUnused: '{command} is not used with TLS: the control connection is already protected.',
  tlsRequired: 'TLS required: send AUTH TLS before logging in.',
  tlsRequiredUser: 'This account requires TLS: send AUTH TLS, then log in.',
  tlsNotOffered: 'This account requires TLS, which this server does not offer.',
  tlsRequiredData: 'Data connections must be protected: send PBSZ 0 and PROT P.',
  dataTlsNotResumed: 'Data connection refused: it must resume the TLS session of this control connection.',
  dataTlsFailed: 'TLS negotiation on the data connection failed.',
  dataTlsTimeout: 'TLS negotiation on the data connection did not finish in time.',
} as const;

export type MessageKey = keyof typeof defaultMessages;
export type Messages = { [K in MessageKey]?: string } & { [code: number]: string | undefined };

/**
 * A template split once at its placeholders: literal text at even indexes,
 * placeholder names at odd ones. Templates are few (the catalogue and the
 * host's overrides), and a reply is filled per command.
 */
const splitTemplates = new Map<string, readonly string[]>();
/** Beyond this many distinct templates (a host building texts on the fly), stop remembering new ones. */
const MAX_SPLIT_TEMPLATES = 1000;

function split(template: string): readonly string[] {
  let parts = splitTemplates.get(template);
  if (parts) return parts;
  parts = template.split(/\{(\w+)\}/);
  if (splitTemplates.size < MAX_SPLIT_TEMPLATES) splitTemplates.set(template, parts);
  return parts;
}

/** Fills `{name}` placeholders; unknown placeholders stay as they are. */
export function fillMessage(template: string, params?: Readonly<Record<string, string | number>>): string {
  if (!params) return template;
  const parts = split(template);
  let text = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    text += (Object.hasOwn(params, name) ? String(params[name]) : `{${name}}`) + parts[i + 1]!;
  }
  return text;
}
