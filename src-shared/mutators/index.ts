/**
 * The rulebook: each mutator defined once (Replicache / Zero style). The desktop core runs a body
 * on its local store, optimistically and again on every rebase; the server runs the same body
 * inside `mutate()`, with authorisation, audit, change log and webhooks around it.
 */
import { MUTATORS, type MutatorName } from '../schemas/sync';
import { agentStateSet } from './agent-states';
import { callCreate, callUpdate } from './calls';
import type { Mutator } from './define';
import { patientCreate, patientUpdate } from './patients';
import { scheduleCreate, scheduleUpdate } from './schedules';
import { taskCreate, taskUpdate } from './tasks';
import type { MutatorTx, ReadNeeds, RuleActor, RuleEntity } from './tx';

export const RULEBOOK: { [N in MutatorName]: Mutator<N> } = {
  'call.create': callCreate,
  'call.update': callUpdate,
  'task.create': taskCreate,
  'task.update': taskUpdate,
  'patient.create': patientCreate,
  'patient.update': patientUpdate,
  'agent_state.set': agentStateSet,
  'schedule.create': scheduleCreate,
  'schedule.update': scheduleUpdate,
};

type AnyMutator = { reads(a: unknown, actor: RuleActor): ReadNeeds; run(tx: MutatorTx, a: unknown): void };
const mutatorOf = (name: MutatorName) => RULEBOOK[name] as unknown as AnyMutator;

/** The entity a mutator writes (`call.update` → `call`). */
export const entityOf = (name: MutatorName): RuleEntity => name.split('.')[0] as RuleEntity;
export const isCreate = (name: MutatorName) => name.endsWith('.create');

/** The arguments' schema (the sync push validates with it, one bad mutation alone refused). */
export const argsSchema = (name: MutatorName) => MUTATORS[name];

export function readsOf(name: MutatorName, args: unknown, actor: RuleActor): ReadNeeds {
  return mutatorOf(name).reads(args, actor);
}

/** Runs one mutator's body: writes through `tx`, or throws RuleError (nothing written then). */
export function runMutator(tx: MutatorTx, name: MutatorName, args: unknown): void {
  mutatorOf(name).run(tx, args);
}

export { RuleError } from './rule-error';
export type { MutatorTx, OrgSettings, ReadNeeds, RecordOf, RuleActor, RuleEntity } from './tx';
export { isSupervisorRole } from './tx';
export { canSee, changedFields, toUtc } from './rules';
export { shiftWindow } from './schedules';
