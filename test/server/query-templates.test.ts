/**
 * Query templates (src-server/db/query-templates.ts) reuse compiled SQL across requests, so a
 * wrong reuse would run one caller's query shape with another's values. These pin what makes
 * the reuse safe: the SQL follows which values are present, every parameter is bound from the
 * current values, and a builder that fixes a value or reads an absent one is refused.
 */
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { literalLimit } from '../../src-server/db/literal-limit';
import { QueryTemplate } from '../../src-server/db/query-templates';
import { ARRAY_ROWS } from '../../src-server/db/statement-cache';

interface Tables {
  calls: { id: string; organization_id: string; agent_id: string | null; status: string };
}

// Compiling needs the dialect's compiler only, never a connection.
const db = new Kysely<Tables>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new SqliteIntrospector(k),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

const list = new QueryTemplate('test list', (d: typeof db, p) => {
  let q = d.selectFrom('calls').select('id').where('organization_id', '=', p('org'));
  if (p.has('agent')) q = q.where('agent_id', '=', p('agent'));
  if (p.has('status')) q = q.where('status', '=', p('status'));
  return q.limit(p<number>('limit'));
});

describe('query templates', () => {
  it('binds each call its own values, in the positions of its shape', () => {
    const a = list.compile(db, { org: 'o1', status: 'completed', limit: 51 });
    const b = list.compile(db, { org: 'o2', status: 'missed', limit: 11 });
    expect(b.sql).toBe(a.sql);
    expect(a.parameters).toEqual(['o1', 'completed', 51]);
    expect(b.parameters).toEqual(['o2', 'missed', 11]);
  });

  it('compiles another SQL text when another set of values is present (an undefined value is absent)', () => {
    const all = list.compile(db, { org: 'o1', agent: undefined, limit: 51 });
    const own = list.compile(db, { org: 'o1', agent: 'u1', limit: 51 });
    expect(all.sql).not.toContain('agent_id');
    expect(own.sql).toContain('"agent_id" = ?');
    expect(own.parameters).toEqual(['o1', 'u1', 51]);
  });

  it('binds by name whatever order the caller gives its values in', () => {
    const a = list.compile(db, { org: 'o1', status: 'completed', limit: 51 });
    const b = list.compile(db, { limit: 11, status: 'missed', org: 'o2' });
    expect(b.sql).toBe(a.sql);
    expect(b.parameters).toEqual(['o2', 'missed', 11]);
  });

  it('writes a literal into the SQL, one text per value, and binds only the rest', () => {
    const paged = new QueryTemplate('paged', (d: typeof db, p) => d.selectFrom('calls').select('id').where('organization_id', '=', p('org')).limit(literalLimit(p.literal('limit'))), {
      literals: ['limit'],
    });
    const a = paged.compile(db, { org: 'o1', limit: 51 });
    const b = paged.compile(db, { org: 'o2', limit: 11 });
    const c = paged.compile(db, { org: 'o3', limit: 51 });
    expect(a.sql).toMatch(/limit 51$/);
    expect(b.sql).toMatch(/limit 11$/);
    expect(c.sql).toBe(a.sql);
    expect([a.parameters, b.parameters, c.parameters]).toEqual([['o1'], ['o2'], ['o3']]);
  });

  it('refuses a literal that is not a whole number, and a literal read as a placeholder', () => {
    const paged = new QueryTemplate('paged', (d: typeof db, p) => d.selectFrom('calls').select('id').limit(literalLimit(p.literal('limit'))), { literals: ['limit'] });
    expect(() => paged.compile(db, { limit: '5; drop table calls' })).toThrow(/whole number/);
    expect(() => paged.compile(db, { limit: 1.5 })).toThrow(/whole number/);
    const bound = new QueryTemplate('bound', (d: typeof db, p) => d.selectFrom('calls').select('id').limit(p<number>('limit')), { literals: ['limit'] });
    expect(() => bound.compile(db, { limit: 5 })).toThrow(/literal/);
    expect(() => literalLimit(-1)).toThrow(/whole number/);
  });

  it('asks for rows as arrays with the same SQL text on every call when told to', () => {
    const arrays = new QueryTemplate('arrays', (d: typeof db, p) => d.selectFrom('calls').select('id').where('organization_id', '=', p('org')), { arrayRows: true });
    const a = arrays.compile(db, { org: 'o1' });
    const b = arrays.compile(db, { org: 'o2' });
    expect(a.sql.startsWith(ARRAY_ROWS)).toBe(true);
    expect(b.sql).toBe(a.sql);
    expect(b.parameters).toEqual(['o2']);
  });

  it('refuses a builder that writes a value into the query instead of naming it', () => {
    const fixed = new QueryTemplate('fixed', (d: typeof db, p) => d.selectFrom('calls').select('id').where('organization_id', '=', p('org')).where('status', '=', 'completed'));
    expect(() => fixed.compile(db, { org: 'o1' })).toThrow(/parameter 2 is a fixed value/);
  });

  it('refuses a builder that uses a name the caller did not give', () => {
    const careless = new QueryTemplate('careless', (d: typeof db, p) => d.selectFrom('calls').select('id').where('organization_id', '=', p('org')));
    expect(() => careless.compile(db, {})).toThrow(/used org, which is absent/);
  });
});
