/**
 * RFC 959 reply formatting. One line: `200 Text`. Several lines:
 * `211-First`, then the middle lines, then `211 Last`. Middle lines that start
 * with three digits are indented one space so no client mistakes them for the end.
 * CR and LF inside a text (a file name, a host message) are replaced: a reply can
 * never smuggle a second reply.
 */
export function formatReply(code: number, text: string | readonly string[]): string {
  // Most replies are one line: no array for them.
  if (typeof text === 'string' && !text.includes('\n')) return `${code} ${clean(text)}\r\n`;
  const lines = typeof text === 'string' ? text.split('\n') : text;
  if (lines.length <= 1) return `${code} ${clean(lines[0] ?? '')}\r\n`;
  let out = `${code}-${clean(lines[0]!)}\r\n`;
  for (let i = 1; i < lines.length - 1; i++) {
    const line = clean(lines[i]!);
    out += /^\d{3}/.test(line) ? ` ${line}\r\n` : `${line}\r\n`;
  }
  return out + `${code} ${clean(lines[lines.length - 1]!)}\r\n`;
}

function clean(line: string): string {
  return line.includes('\r') || line.includes('\n') || line.includes('\0') ? line.replace(/[\r\n\0]/g, ' ') : line;
}

/** RFC 959 appendix II: a quote inside a quoted path name is doubled. */
export function quotePath(path: string): string {
  return `"${path.replace(/"/g, '""')}"`;
}
