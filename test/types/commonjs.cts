/** The CommonJS declarations (dist/*.d.cts) describe the same API. */
import ftpkit = require('ftpkit');
import testing = require('ftpkit/testing');

const server: ftpkit.FtpServer = new ftpkit.FtpServer({ filesystem: new ftpkit.MemoryFileSystem(), users: [{ username: 'u', password: 'p' }] });
server.addHook('beforeUploadCommit', ({ bytes }) => (bytes > 10 ? { code: 552, message: 'too big' } : undefined));
server.on('transferAborted', ({ reason }) => {
  const r: ftpkit.AbortReason = reason;
  void r;
});
const start: typeof testing.startTestServer = testing.startTestServer;
void start;
