/**
 * Queries compiled once per shape. Kysely builds an operation tree and compiles it to SQL on
 * every execution: for the calls list that was about as much CPU as SQLite spent finding the
 * page (docs/BENCHMARKS.md, "The list path against the bare route"). A template is built once
 * with placeholders where the values go; each execution binds the request's values to the
 * placeholders' positions in the compiled parameters.
 *
 * Safe by construction, which matters because a wrong reuse could widen a query:
 * - the shape is the set of value NAMES present: the builder sees only `p.has(name)` and
 *   `p(name)` (a placeholder), never a value, so the SQL can depend on nothing but the names;
 *   a builder must not read anything else that varies between calls (comment it if it does);
 * - every parameter of the compiled query must be a placeholder (checked when the template is
 *   made): a value written into the builder itself would otherwise be reused for every caller;
 * - binding fails loudly when a named value is missing;
 * - a value the SQL must hold as written (a LIMIT: db/literal-limit.ts) is declared a literal:
 *   its value is then part of the shape, and the builder reads it with `p.literal(name)`.
 */
import type { Compilable, CompiledQuery } from 'kysely';
import { ARRAY_ROWS } from './statement-cache';

/** Values by name; a name whose value is undefined is absent (it changes the shape). */
export type TemplateValues = Record<string, unknown>;

/** What a template's builder is given: placeholders by name, and which names are present. */
export interface Placeholders {
  /** the placeholder of a present value, typed as the value it stands for */
  <T = string>(name: string): T;
  has(name: string): boolean;
  /** the value of a name the template declares literal (a whole number, part of the shape) */
  literal(name: string): number;
}

const MARK = '\u0000template-value:';

interface Template {
  compiled: CompiledQuery;
  /** for each parameter position, the name of the value bound there */
  slots: string[];
}

/**
 * One query's templates, by database (SQLite and PostgreSQL compile differently) and shape; a
 * module-level constant per query.
 */
export class QueryTemplate<D extends object> {
  private readonly byDb = new WeakMap<D, Map<string, Template>>();

  constructor(
    /** names the query in errors */
    private readonly name: string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any query over any tables
    private readonly build: (db: D, p: Placeholders) => Compilable<any>,
    /**
     * Ask SQLite for rows as arrays (ARRAY_ROWS, db/statement-cache.ts). The comment is put in
     * front of the SQL once, here, rather than by each caller: a string built per request is a
     * new key for the statement cache to hash (the whole SQL, ~1.5 KB for the calls list) on
     * every execution, where the template's own string keeps its hash.
     */
    private readonly options: { arrayRows?: boolean; literals?: readonly string[] } = {},
  ) {}

  /** The query for these values: compiled the first time its shape is met, then only bound. */
  compile<R = unknown>(db: D, values: TemplateValues): CompiledQuery<R> {
    // The shape's key: the present names in the caller's order (a key without sorting; a caller
    // that ordered the same names differently would only get a second, equal template).
    let shape = '';
    for (const k in values) if (values[k] !== undefined) shape += `${k},`;
    for (const k of this.options.literals ?? []) shape += `${k}=${values[k]},`;
    let shapes = this.byDb.get(db);
    if (!shapes) this.byDb.set(db, (shapes = new Map()));
    let template = shapes.get(shape);
    if (!template) {
      template = this.make(db, new Set(Object.keys(values).filter((k) => values[k] !== undefined)), values);
      // A shape is a subset of a fixed list of names, so there are few; bound all the same.
      if (shapes.size >= 1024) shapes.clear();
      shapes.set(shape, template);
    }
    const { slots, compiled } = template;
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const value = values[slots[i]!];
      if (value === undefined) throw new Error(`${this.name}: no value for ${slots[i]}`);
      parameters[i] = value;
    }
    return { query: compiled.query, queryId: compiled.queryId, sql: compiled.sql, parameters } as CompiledQuery<R>;
  }

  private make(db: D, present: Set<string>, values: TemplateValues): Template {
    const literals = new Set(this.options.literals);
    const p = ((name: string) => {
      if (!present.has(name)) throw new Error(`${this.name}: the builder used ${name}, which is absent (check p.has first)`);
      if (literals.has(name)) throw new Error(`${this.name}: ${name} is a literal: read it with p.literal`);
      return `${MARK}${name}`;
    }) as Placeholders;
    p.has = (name) => present.has(name);
    p.literal = (name) => {
      const value = values[name];
      if (!literals.has(name)) throw new Error(`${this.name}: ${name} is not declared literal`);
      // a whole number only: it is written into the SQL, and it keys the shape
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`${this.name}: ${name} must be a whole number, not ${String(value)}`);
      return value;
    };
    const built = this.build(db, p).compile();
    const compiled = this.options.arrayRows ? { ...built, sql: ARRAY_ROWS + built.sql } : built;
    const slots = compiled.parameters.map((param, i) => {
      if (typeof param !== 'string' || !param.startsWith(MARK)) {
        throw new Error(`${this.name}: parameter ${i + 1} is a fixed value, not a placeholder: pass it by name`);
      }
      return param.slice(MARK.length);
    });
    return { compiled, slots };
  }
}
