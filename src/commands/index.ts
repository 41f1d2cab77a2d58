import type { FtpUser } from '../auth/types.js';
import { CDUP, CWD, PWD, SMNT } from './navigation.js';
import { DELE, MDTM, MKD, RMD, RNFR, RNTO, SIZE } from './files.js';
import { EPRT, EPSV, PASV, PORT } from './data-connection.js';
import { ABOR, FEAT, HELP, NOOP, OPTS, STAT, SYST } from './info.js';
import { LIST, MLSD, MLST, NLST } from './listing.js';
import { ACCT, PASS, QUIT, REIN, USER } from './login.js';
import { ALLO, MODE, REST, STRU, TYPE } from './parameters.js';
import { ADAT, AUTH, CCC, CONF, ENC, MIC, PBSZ, PROT } from './security.js';
import { SITE } from './site.js';
import { CLNT } from './client.js';
import { hashCommands } from './hash.js';
import { HOST } from './host.js';
import { LANG } from './lang.js';
import { LPRT, LPSV } from './long-passive.js';
import { MFCT, MFF, MFMT } from './modify-facts.js';
import { obsoleteCommands } from './obsolete.js';
import { AVBL } from './space.js';
import type { CommandSpec } from './spec.js';
import { CommandTable } from './table.js';
import { APPE, RETR, STOR, STOU } from './transfer-files.js';

/** The built-in command set: RFC 959, 775, 2228, 2389, 2428, 3659, 4217 and the extensions. */
export const builtinCommands: readonly CommandSpec[] = [
  // access control (RFC 959 4.1.1)
  USER, PASS, ACCT, CWD, CDUP, SMNT, REIN, QUIT,
  // transfer parameters (4.1.2), RFC 2428
  PORT, PASV, EPRT, EPSV, TYPE, STRU, MODE,
  // service commands (4.1.3)
  RETR, STOR, STOU, APPE, ALLO, REST, RNFR, RNTO, ABOR, DELE, RMD, MKD, PWD, LIST, NLST, SITE, SYST, STAT, HELP, NOOP,
  // RFC 2389, RFC 3659
  FEAT, OPTS, SIZE, MDTM, MLST, MLSD,
  // extensions: RFC 1639, 2640, 7151, draft-somers-ftp-mfxx, CLNT, AVBL; obsolete mail commands (502)
  LPRT, LPSV, LANG, HOST, MFMT, MFCT, MFF, CLNT, AVBL,
  // draft-bryan-ftpext-hash and the X-digests
  ...hashCommands,
  ...obsoleteCommands,
  // RFC 2228, RFC 4217 (only with the tls option)
  AUTH, PBSZ, PROT, CCC, ADAT, MIC, CONF, ENC,
];

export function createCommandTable(): CommandTable {
  return new CommandTable(builtinCommands);
}
