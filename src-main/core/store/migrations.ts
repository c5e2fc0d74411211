/**
 * The local store's schema, versioned with SQLite's `user_version`. Append a migration, never
 * edit a shipped one: a desktop may open its store after skipping several releases.
 *
 * Entity tables keep the row as the renderer sees it in `data` (the API's *Read JSON, with
 * pending local changes applied) and the last server state in `server` (null for a row only
 * this desktop knows yet), so pending changes can be rebased onto new server state and a
 * rejected change rolled back. Query columns are generated from `data`.
 */
import type Database from 'better-sqlite3';

const gen = (column: string, path = column) => `${column} TEXT GENERATED ALWAYS AS (json_extract(data, '$.${path}')) VIRTUAL`;

const MIGRATIONS: string[] = [
  // 1: everything the first release needs
  `
  CREATE TABLE calls (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, server TEXT,
    ${gen('started_at')}, ${gen('status')}, ${gen('agent_id')}, ${gen('patient_id')},
    ${gen('outcome')}, ${gen('direction')}
  );
  CREATE INDEX calls_started_at ON calls (started_at);

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, server TEXT,
    ${gen('assignee_id')}, ${gen('status')}, ${gen('priority')}, ${gen('due_date')}, ${gen('patient_id')}
  );
  CREATE INDEX tasks_assignee ON tasks (assignee_id, status);

  CREATE TABLE patients (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, server TEXT,
    search_name TEXT NOT NULL DEFAULT '',
    ${gen('phone_number')}, ${gen('alt_phone_number')}, ${gen('last_name')}, ${gen('first_name')}
  );
  CREATE INDEX patients_search_name ON patients (search_name);
  CREATE INDEX patients_phone ON patients (phone_number);
  CREATE INDEX patients_alt_phone ON patients (alt_phone_number);

  CREATE TABLE users (id TEXT PRIMARY KEY, data TEXT NOT NULL, server TEXT, ${gen('name')});
  CREATE TABLE schedules (id TEXT PRIMARY KEY, data TEXT NOT NULL, server TEXT, ${gen('staff_id', 'staffId')}, ${gen('start_time', 'startTime')});

  CREATE TABLE dispositions (code TEXT PRIMARY KEY, label TEXT NOT NULL, builtin INTEGER NOT NULL, position INTEGER NOT NULL);

  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  -- one row: this desktop's sync identity and progress (never a secret: tokens live in the SecretStore)
  CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    client_id TEXT NOT NULL,
    cursor INTEGER NOT NULL DEFAULT 0,
    last_mutation_seq INTEGER NOT NULL DEFAULT 0,
    next_seq INTEGER NOT NULL DEFAULT 1,
    rebuilding INTEGER NOT NULL DEFAULT 0,
    session TEXT,
    owner TEXT,
    last_push_at TEXT,
    last_pull_at TEXT
  );

  -- local changes not yet accepted by the server, drained in seq order
  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    args TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'rejected')),
    error TEXT,
    rejected_at TEXT
  );
  CREATE INDEX outbox_status_seq ON outbox (status, seq);
  CREATE INDEX outbox_entity ON outbox (entity, entity_id);

  -- fields this desktop set in acknowledged updates, until a pull shows whether they survived
  CREATE TABLE acked_fields (
    entity TEXT NOT NULL, entity_id TEXT NOT NULL, field TEXT NOT NULL,
    value TEXT NOT NULL, mutation_id TEXT NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
  );

  -- "your change was overwritten" notices, shown in the attention list until dismissed
  CREATE TABLE notices (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, args TEXT NOT NULL, error TEXT NOT NULL,
    created_at TEXT NOT NULL, noticed_at TEXT NOT NULL
  );

  -- ids seen while rebuilding from cursor 0 (after CURSOR_EXPIRED); unseen server rows go
  CREATE TABLE rebuild_seen (entity TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (entity, id));
  `,
  // 2: agents' states (the status bar, the supervisor's wallboard)
  `
  CREATE TABLE agent_states (id TEXT PRIMARY KEY, data TEXT NOT NULL, server TEXT, ${gen('state')}, ${gen('user_id')});
  `,
  // 3: no new table. sync_state.next_seq is now a lower bound: the next mutation seq is also above
  // every seq in the outbox, and a local write no longer stores it (SyncStateStore.takeSeq). An
  // older release would take next_seq as it is and reuse a queued seq, so it must refuse this store.
  `-- next_seq: a lower bound`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`the local store is from a newer release (schema ${current} > ${SCHEMA_VERSION})`);
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
