/** ftpkit's version (kept equal to package.json by a test); shown only when a host asks for it. */
export const VERSION = '0.1.0';
