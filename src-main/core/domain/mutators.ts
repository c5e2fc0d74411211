/**
 * The local mutators, by the same names as the server's (Replicache-style). `prepare` checks
 * and normalises a user's change against the current row (and keeps only changed fields);
 * `apply` produces the new row, for the local write and again for every rebase.
 */
import { MUTATORS, type MutatorName, type SyncEntity } from '../../../src-shared/schemas/sync';
import { validationError } from '../errors';
import { callCreate, callUpdate } from './calls';
import type { MutatorContext } from './context';
import { patientCreate, patientUpdate } from './patients';
import { taskCreate, taskUpdate } from './tasks';

type Row = Record<string, unknown>;
interface Mutator {
  prepare(args: never, current: never, ctx: MutatorContext): Row | null;
  apply(args: never, current: never, ctx: MutatorContext): Row;
}

const LOCAL: Record<MutatorName, Mutator> = {
  'call.create': callCreate as unknown as Mutator,
  'call.update': callUpdate as unknown as Mutator,
  'task.create': taskCreate as unknown as Mutator,
  'task.update': taskUpdate as unknown as Mutator,
  'patient.create': patientCreate as unknown as Mutator,
  'patient.update': patientUpdate as unknown as Mutator,
};

export const entityOf = (name: MutatorName): SyncEntity => name.split('.')[0] as SyncEntity;
export const isCreate = (name: MutatorName) => name.endsWith('.create');

/** Validates with the shared schema, then the local rules; null when nothing would change. */
export function prepareMutation(name: MutatorName, args: unknown, current: Row | null, ctx: MutatorContext): Row | null {
  const parsed = MUTATORS[name].safeParse(args);
  if (!parsed.success) throw validationError(parsed.error);
  return (LOCAL[name].prepare as (a: unknown, c: Row | null, x: MutatorContext) => Row | null)(parsed.data, current, ctx);
}

export function applyMutation(name: MutatorName, args: Row, current: Row | null, ctx: MutatorContext): Row {
  return (LOCAL[name].apply as (a: unknown, c: Row | null, x: MutatorContext) => Row)(args, current, ctx);
}
