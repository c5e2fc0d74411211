/**
 * `npm run audit:verify [-- <database>]`: walks the audit log's hash chain
 * (src-server/domain/audit-chain.ts) in id order and says whether it is intact. Exit code 0 when
 * it is, 1 naming the first entry that does not match (edited, or the one after a deleted or
 * inserted entry). The database defaults to DATABASE_URL, like the server's.
 */
import { openDatabase } from '../src-server/db/connection';
import { entryHash, GENESIS_HASH } from '../src-server/domain/audit-chain';

const target = process.argv[2] ?? process.env.DATABASE_URL ?? './data/oncall.sqlite';
const db = await openDatabase(target);
let prev = GENESIS_HASH;
let after = 0;
let count = 0;
let broken: string | null = null;
try {
  outer: for (;;) {
    const rows = await db.selectFrom('audit_log').selectAll().where('id', '>', after).orderBy('id').limit(1000).execute();
    if (!rows.length) break;
    for (const row of rows) {
      const id = Number(row.id);
      if (row.prev_hash !== prev) {
        broken = `entry ${id}: its prev_hash does not match entry before it (an entry was removed, inserted or edited)`;
        break outer;
      }
      const expected = entryHash({ ...row, prev_hash: prev });
      if (row.hash !== expected) {
        broken = `entry ${id}: its content does not match its hash (edited after it was written)`;
        break outer;
      }
      prev = expected;
      after = id;
      count++;
    }
  }
} finally {
  await db.destroy();
}
if (broken) {
  console.error(`audit chain BROKEN at ${broken}; ${count} entries before it verified`);
  process.exit(1);
}
console.log(`audit chain intact: ${count} entries, head ${prev}`);
