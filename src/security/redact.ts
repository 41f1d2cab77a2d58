/**
 * Commands whose argument is a secret: never logged, never in events or the
 * transcript. A verb glued to its argument by an odd separator ("PASS\0x") is
 * still a password, so the check looks at how the verb starts.
 */
export function isSecretCommand(verb: string): boolean {
  return /^(PASS|ACCT)(?![A-Z0-9])/.test(verb);
}

/** The command line as it may be logged. */
export function redactLine(verb: string, line: string): string {
  return isSecretCommand(verb) ? `${verb.slice(0, 4)} ********` : line;
}
