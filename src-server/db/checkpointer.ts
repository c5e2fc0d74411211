/**
 * WAL checkpoints on a thread of their own.
 *
 * In WAL mode every commit appends pages to the write-ahead log, and a checkpoint copies them
 * back into the database file. SQLite checkpoints by itself in the commit that takes the log
 * past 1,000 pages: that commit then copies the pages and waits for two fsyncs, on the API's one
 * thread, in the middle of a request (about a tenth of a sync push's time, docs/BENCHMARKS.md).
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint a few times a second:
 * it copies what is committed without blocking the writer or any reader, and the writer restarts
 * the log from its beginning once everything in it is copied. The request thread keeps SQLite's
 * own checkpoint only as a backstop, far beyond what the worker lets the log reach, so a
 * stalled or dead worker costs speed, never an unbounded log.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints: the log holds at most about this much of writes. */
export const CHECKPOINT_EVERY_MS = 200;

/** The request thread's own checkpoint, in pages of the log (16 MB of 4 KB pages): the backstop. */
export const BACKSTOP_CHECKPOINT_PAGES = 4000;

// Plain JavaScript, evaluated as the worker's script: no TypeScript loader is needed in the
// thread, whatever runs the API (tsx, a bundle, the test runner).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy, or the store is closing: the next tick tries again
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** Starts checkpointing the SQLite store at `path` (already in WAL mode); returns its stop. */
export function startCheckpointer(path: string): () => void {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, everyMs: CHECKPOINT_EVERY_MS } });
  // Never what keeps the process alive; an error in the thread leaves the backstop in charge.
  worker.unref();
  worker.on('error', () => undefined);
  return () => worker.postMessage('stop');
}
