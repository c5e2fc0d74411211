/**
 * The one migration list, for SQLite and PostgreSQL alike. To add a migration: write
 * `NNN_name.ts` next to this file with `up(db)` in portable DDL (text ids, ISO text timestamps,
 * JSON as text), and add it below under the next free number. Where a step cannot be portable
 * (a trigger, an identity column), branch on `isPostgres(db)` from `../dialect`.
 */
import type { Migration } from 'kysely';
import * as m001 from './001_initial';
import * as m002 from './002_sync';
import * as m003 from './003_session_families';
import * as m004 from './004_agent_states';
import * as m005 from './005_audit_chain';
import * as m006 from './006_scale_out';
import * as m007 from './007_webhook_health';
import * as m008 from './008_organization_keys';
import * as m009 from './009_agent_presence';
import * as m010 from './010_published_rota';
import * as m011 from './011_sync_notices';
import * as m012 from './012_calls_list_keys';

export const MIGRATIONS: Record<string, Migration> = {
  '001_initial': m001,
  '002_sync': m002,
  '003_session_families': m003,
  '004_agent_states': m004,
  '005_audit_chain': m005,
  '006_scale_out': m006,
  '007_webhook_health': m007,
  '008_organization_keys': m008,
  '009_agent_presence': m009,
  '010_published_rota': m010,
  '011_sync_notices': m011,
  '012_calls_list_keys': m012,
};
