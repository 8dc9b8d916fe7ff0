// node scripts/s3rver.js PORT DIRECTORY: the S3 stand-in for the tests (started by scripts/services), on loopback.
// Credentials: access key S3RVER, secret S3RVER. NODE_PATH must name the folder @20minutes/s3rver is installed in.
'use strict';
const S3rver = require('@20minutes/s3rver');

const [port, directory] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true, // one log line per request would drown the log's useful tail
  // The tests sign for the endpoint's address, not for an amazonaws.com host: accept what does not match.
  allowMismatchedSignatures: true,
});
server.run().then(
  (address) => console.log(`s3rver listening on ${address.address}:${address.port}, data in ${directory}`),
  (error) => { console.error(`s3rver failed: ${error.message}`); process.exit(1); });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close().finally(() => process.exit(0)));
