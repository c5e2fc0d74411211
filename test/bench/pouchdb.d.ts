/** The little of PouchDB that bench:sync uses (the packages ship no typings). */
declare module 'pouchdb-node' {
  interface ReplicationResult {
    ok: boolean;
    docs_written: number;
    docs_read: number;
  }
  interface Database {
    bulkDocs(docs: object[]): Promise<unknown[]>;
    replicate: { to(target: string, options?: { batch_size?: number; batches_limit?: number }): Promise<ReplicationResult> };
    info(): Promise<{ doc_count: number }>;
    close(): Promise<void>;
  }
  interface PouchDBStatic {
    new (name: string): Database;
    defaults(options: { prefix: string }): PouchDBStatic;
  }
  const PouchDB: PouchDBStatic;
  export default PouchDB;
}

declare module 'express-pouchdb' {
  import type { Server } from 'node:http';
  function expressPouchDB(pouch: unknown, options?: { mode?: string; logPath?: string; inMemoryConfig?: boolean }): {
    listen(port: number, host: string, callback: () => void): Server;
  };
  export default expressPouchDB;
}
