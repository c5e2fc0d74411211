/**
 * How the desktop uses the rulebook (src-shared/mutators): `prepare` shapes a user's change into
 * the mutation it queues (validated, only the fields that change, the moment of a status change),
 * and `apply` runs the one shared body on the local store, for the write and for every rebase.
 */
import { RuleError, changedFields, isCreate, runMutator, type RuleActor } from '../../../src-shared/mutators';
import { type AgentStateSettings, DEFAULT_AGENT_STATE_SETTINGS } from '../../../src-shared/domain/agent-state';
import type { SessionUser } from '../../../src-shared/schemas/auth';
import { MUTATORS, type MutatorName } from '../../../src-shared/schemas/sync';
import { CoreError, validationError } from '../errors';
import type { LocalStore } from '../store';
import { LocalTx } from './local-tx';

type Row = Record<string, unknown>;

/** Where the organization's agent-state settings are cached (refreshed with the reference data). */
export const AGENT_STATE_SETTINGS_KEY = 'agent_state_settings';

export const actorOf = (user: SessionUser): RuleActor => ({
  userId: user.id,
  organizationId: user.organization_id,
  role: user.role,
  name: user.name,
});

/** The organization's settings as last fetched (GB until the server said otherwise). */
export function settingsOf(store: LocalStore) {
  const codes = store.reference.dispositions().map((d) => d.code);
  return {
    default_country: store.reference.getSetting<string>('default_country') ?? 'GB',
    // An empty cache (never online yet) cannot tell: leave the check to the server.
    dispositions: codes.length ? codes : null,
    agent_states: store.reference.getSetting<AgentStateSettings>(AGENT_STATE_SETTINGS_KEY) ?? DEFAULT_AGENT_STATE_SETTINGS,
  };
}

const toCoreError = (err: unknown) => (err instanceof RuleError ? new CoreError(err.code, err.message, err.details) : err);

/** Validates with the shared schema; for an update keeps only what changes; null when nothing does. */
export function prepareMutation(name: MutatorName, args: unknown, current: Row | null, now: string): Row | null {
  const parsed = MUTATORS[name].safeParse(args);
  if (!parsed.success) throw validationError(parsed.error);
  const data = parsed.data as Row;
  // A state change is an event, not a patch: it goes as it is, with its time.
  if (isCreate(name) || !current || name === 'agent_state.set') return data;
  const { id, at, based_on: _basedOn, ...patch } = data;
  const changed = changedFields(patch, current);
  if (changed.metadata) {
    const merged = { ...(current.metadata as Row), ...(changed.metadata as Row) };
    if (JSON.stringify(merged) === JSON.stringify(current.metadata)) delete changed.metadata;
  }
  if (Object.keys(changed).length === 0) return null;
  // The moment of a status change is sent along, so an offline-logged call keeps its real end time.
  const when = name === 'call.update' && changed.status ? (at ?? now) : undefined;
  return { id, ...changed, ...(when ? { at: when } : {}) };
}

/** Runs the shared body on `tx`; what it wrote is in `tx` (nothing when the change was a no-op). */
export function applyMutation(tx: LocalTx, name: MutatorName, args: Row): void {
  try {
    runMutator(tx, name, args);
  } catch (err) {
    throw toCoreError(err);
  }
}

export function localTx(store: LocalStore, user: SessionUser, now: string): LocalTx {
  return new LocalTx(store, actorOf(user), now, settingsOf(store));
}
