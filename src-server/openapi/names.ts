/**
 * Names for the OpenAPI document's components. A route's body or response that is one of the
 * schemas exported by src-shared/schemas becomes `#/components/schemas/<export name>` (seed 000's
 * CallCreate, CallRead, TaskRead...; seed 003's Call, Schedule, Recording, Compliance), and a
 * page of one becomes `<name>Page`. Routes added later are named the same way with no list to
 * edit: export the schema from src-shared/schemas (or let it be named after its operation).
 */
import { z } from 'zod';
import * as dispositions from '../../src-shared/domain/dispositions';
import * as audit from '../../src-shared/schemas/audit';
import * as auth from '../../src-shared/schemas/auth';
import * as calls from '../../src-shared/schemas/calls';
import * as errors from '../../src-shared/schemas/errors';
import * as oncall from '../../src-shared/schemas/oncall';
import * as patients from '../../src-shared/schemas/patients';
import * as sync from '../../src-shared/schemas/sync';
import * as tasks from '../../src-shared/schemas/tasks';
import * as users from '../../src-shared/schemas/users';
import * as webhooks from '../../src-shared/schemas/webhooks';

/** Seed 003 names its types Call, Schedule...: the facade's own schemas carry a prefix in code only. */
const RENAMED: Record<string, string> = { OnCallCall: 'Call', ErrorBody: 'Error' };

/**
 * Zod's global registry, so the `.describe()` texts the schemas carry (kept there) still reach
 * the document; a name is one more field on a schema's entry. Names are process-wide like the
 * registry itself, so two apps built in one process agree.
 */
const byName = new Map<string, z.ZodType>();

export class SchemaNames {
  readonly registry = z.globalRegistry;
  private readonly exported = new Map<z.ZodType, string>();
  private readonly byName = byName;

  constructor() {
    for (const module of [audit, auth, calls, dispositions, errors, oncall, patients, sync, tasks, users, webhooks]) {
      for (const [name, value] of Object.entries(module)) {
        if (value instanceof z.ZodType && /^[A-Z]/.test(name)) this.exported.set(value, RENAMED[name] ?? name);
      }
    }
  }

  /**
   * The schema a route should use in its place: itself, now registered under its name, or the
   * first registered schema of the same name (pages are built per route by `pageOf`).
   */
  name<T>(schema: T, fallback?: string): T {
    if (!(schema instanceof z.ZodType)) return schema;
    const assigned = this.registry.get(schema)?.id;
    if (assigned) return schema;
    // An object schema nobody exported is named after its operation (GetSettingsResponse).
    const name = this.nameOf(schema) ?? (schema instanceof z.ZodObject ? fallback : undefined);
    if (!name) return schema;
    const known = this.byName.get(name);
    if (known) return known as T;
    this.byName.set(name, schema);
    this.registry.add(schema, { ...this.registry.get(schema), id: name });
    return schema;
  }

  private nameOf(schema: z.ZodType): string | undefined {
    const direct = this.exported.get(schema);
    if (direct) return direct;
    if (schema instanceof z.ZodObject) {
      const items = (schema.shape as Record<string, unknown>).items;
      if (items instanceof z.ZodArray) {
        const item = this.exported.get(items.element as z.ZodType);
        if (item) {
          this.name(items.element);
          return 'page' in schema.shape ? `${item}Page` : `${item}List`;
        }
      }
    }
    return undefined;
  }
}
