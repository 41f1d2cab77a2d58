/**
 * Splits a command line into its verb (upper-cased) and argument. The verb ends
 * at the first space or tab; the argument is everything after that one
 * separator, so a file name may itself begin with a space. Leading blanks are
 * skipped: " PASS x" or "PASS\tx" must still be recognized as PASS, or the
 * password would be logged as the argument of an unknown command.
 */
export function parseCommandLine(line: string): { verb: string; argument: string } {
  const text = line.replace(/^[ \t]+/, '');
  const match = /[ \t]/.exec(text);
  if (!match) return { verb: text.toUpperCase(), argument: '' };
  return { verb: text.slice(0, match.index).toUpperCase(), argument: text.slice(match.index + 1) };
}
