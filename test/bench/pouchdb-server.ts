/**
 * bench:sync's peer server: express-pouchdb over pouchdb-node (LevelDB files in POUCH_DIR) on
 * 127.0.0.1, in its own process like our API. Prints "pouchdb listening <port>" when ready.
 */
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-node';
import { join } from 'node:path';

const dir = process.env.POUCH_DIR;
if (!dir) throw new Error('POUCH_DIR is required');
const app = expressPouchDB(PouchDB.defaults({ prefix: join(dir, 'srv-') }), { mode: 'minimumForPouchDB', logPath: join(dir, 'log.txt'), inMemoryConfig: true });
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`pouchdb listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
