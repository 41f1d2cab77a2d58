/**
 * Every reply code defined by RFC 959, 2228, 2428, 1639, 3659, 4217 and 7151, named.
 * A `const` object rather than a TS `enum`, so it costs nothing at runtime and
 * its values stay plain numbers in events and logs.
 */
export const ReplyCode = {
  // 1yz: positive preliminary
  RestartMarker: 110,
  ServiceReadyInMinutes: 120,
  DataConnectionAlreadyOpen: 125,
  FileStatusOkay: 150,

  // 2yz: positive completion
  CommandOkay: 200,
  CommandSuperfluous: 202,
  SystemStatus: 211,
  DirectoryStatus: 212,
  FileStatus: 213,
  HelpMessage: 214,
  SystemType: 215,
  ServiceReady: 220,
  ServiceClosing: 221,
  DataConnectionOpen: 225,
  ClosingDataConnection: 226,
  EnteringPassiveMode: 227,
  EnteringLongPassiveMode: 228,
  EnteringExtendedPassiveMode: 229,
  UserLoggedIn: 230,
  UserLoggedOut: 231,
  LoggedInBySecurityData: 232,
  SecurityDataExchangeComplete: 234,
  SecurityDataAccepted: 235,
  FileActionOkay: 250,
  PathCreated: 257,

  // 3yz: positive intermediate
  NeedPassword: 331,
  NeedAccount: 332,
  NeedSecurityData: 334,
  NeedMoreSecurityData: 335,
  NeedPasswordChallenge: 336,
  PendingFurtherInformation: 350,

  // 4yz: transient negative completion
  ServiceNotAvailable: 421,
  CannotOpenDataConnection: 425,
  TransferAborted: 426,
  InvalidUsernameOrPassword: 430,
  NeedUnavailableSecurityResource: 431,
  RequestedHostUnavailable: 434,
  FileUnavailableBusy: 450,
  LocalError: 451,
  InsufficientStorage: 452,

  // 5yz: permanent negative completion
  SyntaxError: 500,
  ArgumentSyntaxError: 501,
  NotImplemented: 502,
  BadSequence: 503,
  ParameterNotImplemented: 504,
  /** RFC 1639: LPRT with an address family the server does not support. */
  AddressFamilyNotSupported: 521,
  /** RFC 4217: the data connection is refused at this PROT level (PROT P required). */
  ProtSettingRefused: 521,
  NetworkProtocolNotSupported: 522,
  /** RFC 4217 reuses 522: TLS negotiation on the data connection failed or was unacceptable. */
  TlsNegotiationFailed: 522,
  NotLoggedIn: 530,
  NeedAccountForStoring: 532,
  ProtectionLevelDenied: 533,
  PolicyDenied: 534,
  SecurityCheckFailed: 535,
  ProtLevelNotSupported: 536,
  ProtectionNotSupported: 537,
  FileUnavailable: 550,
  PageTypeUnknown: 551,
  ExceededStorage: 552,
  FileNameNotAllowed: 553,
  InvalidRestartPosition: 554,
  TypeOrStructureMismatch: 555,
  /** draft-bryan-ftpext-hash: HASH refused by policy (file too large to hash). */
  HashPolicyRefused: 556,

  // 6yz: protected replies (RFC 2228)
  IntegrityProtectedReply: 631,
  ConfidentialityAndIntegrityProtectedReply: 632,
  ConfidentialityProtectedReply: 633,
} as const;

export type ReplyCodeName = keyof typeof ReplyCode;
export type ReplyCodeValue = (typeof ReplyCode)[ReplyCodeName];
