/**
 * The small transaction interface every mutator body runs against. The desktop core implements
 * it over its local SQLite store, the server inside `mutate()` over its database (loading what
 * `reads` names first, so a body stays synchronous on both sides).
 */
import type { AgentStateSettings } from '../domain/agent-state';
import type { Role } from '../domain/enums';
import type { AgentStateRead } from '../schemas/agent-states';
import type { CallRead } from '../schemas/calls';
import type { Schedule } from '../schemas/oncall';
import type { PatientRead } from '../schemas/patients';
import type { TaskRead } from '../schemas/tasks';
import type { UserRead } from '../schemas/users';

export interface RecordOf {
  call: CallRead;
  task: TaskRead;
  patient: PatientRead;
  user: UserRead;
  agent_state: AgentStateRead;
  /** seed 003's camelCase schedule (a shift) */
  schedule: Schedule;
}
export type RuleEntity = keyof RecordOf;

/** Who makes the change: a signed-in user, or an API key (no user). */
export interface RuleActor {
  userId: string | null;
  organizationId: string;
  role: Role;
  /** the user's name (stamped as agent_name on the calls they log) */
  name: string;
}

export interface OrgSettings {
  /** ISO country used to read phone numbers typed without a country code */
  default_country: string;
  /** the organization's outcome codes; null when this side cannot know them (never synced yet) */
  dispositions: readonly string[] | null;
  /** not-ready reasons and wrap-up limit (the defaults when absent) */
  agent_states?: AgentStateSettings;
}

export interface MutatorTx {
  readonly actor: RuleActor;
  /** when the change is made; a desktop replays a queued change with the time it was made */
  readonly now: string;
  readonly settings: OrgSettings;
  /**
   * A record of the actor's organization by id, whoever may see it: null when it does not exist,
   * undefined when this side cannot tell (a desktop does not mirror other agents' calls), in which
   * case the rule leaves the check to the server.
   */
  read<E extends RuleEntity>(entity: E, id: string): RecordOf[E] | null | undefined;
  /** Whether a record with this id exists anywhere (ids are global): creates refuse to reuse one. */
  taken(entity: RuleEntity, id: string): boolean;
  /**
   * Whether the actor owned this record at `basedOn`, the version a change was made on, and lost
   * it by a later reassignment (the server's history); false when unknown or not given.
   */
  wasOwner(entity: RuleEntity, id: string, basedOn: number | undefined): boolean;
  write<E extends RuleEntity>(entity: E, record: RecordOf[E]): void;
  /**
   * The staff member's shifts that overlap the window (cancelled ones too; the rule decides), or
   * undefined when this side cannot tell (a desktop that does not mirror that person's shifts).
   */
  shifts(staffId: string, startTime: string, endTime: string): Schedule[] | undefined;
}

/** What a body may read, so the server can load it all before running the body. */
export interface ReadNeeds {
  records: [RuleEntity, string][];
  /** the organization's outcome codes are needed */
  dispositions?: boolean;
  /** `wasOwner` of the mutated record is needed */
  ownership?: boolean;
  /** the shifts around the schedule being written (`shifts`), for the overlap rule */
  shifts?: boolean;
}

export const isSupervisorRole = (role: Role) => role === 'supervisor' || role === 'admin';
