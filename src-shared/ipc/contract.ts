/**
 * The one typed contract between the renderer and the main process (VS Code's ProxyChannel idea):
 * each method has a zod schema for its argument and its result, each event one for its payload.
 * The Electron preload, the Node host's WebSocket bridge and the core's handlers are all typed
 * from this map, and both shells validate every argument with it before the core sees it.
 */
import { z } from 'zod';
import { AgentStateName, AgentStateSettings } from '../domain/agent-state';
import { CallStatus } from '../domain/call-status';
import { DesktopCommand, DesktopPhoneState, DesktopShellInfo, ShortcutSettings, ShortcutsStatus } from './desktop';
import { AgentStateRead } from '../schemas/agent-states';
import { Disposition, DispositionCode } from '../domain/dispositions';
import { CallDirection, Priority } from '../domain/enums';
import { TaskStatus } from '../domain/task-status';
import { SessionUser } from '../schemas/auth';
import { CallCreate, CallRead, CallUpdate } from '../schemas/calls';
import { Id, Timestamp } from '../schemas/common';
import { StoredErrorObject } from '../schemas/errors';
import { Schedule, ScheduleCreate, ScheduleUpdate } from '../schemas/oncall';
import { PatientCreate, PatientRead, PatientUpdate } from '../schemas/patients';
import { PhoneSettingsPatch, PhoneSettingsRead } from '../schemas/phone-settings';
import { SYNC_ENTITIES } from '../schemas/sync';
import { TaskCreate, TaskRead, TaskUpdate } from '../schemas/tasks';
import { UserRead } from '../schemas/users';

const Empty = z.object({}).strict();
const IdArgs = z.object({ id: Id });

export const SessionInfo = z.object({ serverUrl: z.string(), user: SessionUser });
export type SessionInfo = z.infer<typeof SessionInfo>;

export const LoginArgs = z.object({
  serverUrl: z.url({ protocol: /^https?$/ }),
  email: z.email(),
  password: z.string().min(1).max(1024),
});
export type LoginArgs = z.infer<typeof LoginArgs>;

export const SyncStatus = z.object({
  /** the central API answered the last request */
  online: z.boolean(),
  state: z.enum(['signed_out', 'idle', 'syncing', 'offline', 'error']),
  pending: z.number().int(),
  oldest_pending_at: Timestamp.nullable(),
  attention: z.number().int(),
  last_push_at: Timestamp.nullable(),
  last_pull_at: Timestamp.nullable(),
  next_retry_at: Timestamp.nullable(),
  last_error: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** A change the server rejected: kept until the user fixes (retry with new args) or discards it. */
export const AttentionItem = z.object({
  mutation_id: Id,
  name: z.string(),
  args: z.record(z.string(), z.unknown()),
  error: StoredErrorObject,
  created_at: Timestamp,
  rejected_at: Timestamp,
});
export type AttentionItem = z.infer<typeof AttentionItem>;

export const CallListArgs = z.object({
  /** default: today (local store's UTC day) */
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  status: CallStatus.optional(),
  outcome: DispositionCode.optional(),
  direction: CallDirection.optional(),
  patient_id: Id.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
});

export const TaskFilter = z.object({
  status: z.array(TaskStatus).optional(),
  priority: Priority.optional(),
  patient_id: Id.optional(),
  assignee_id: Id.optional(),
  limit: z.number().int().min(1).max(50_000).optional(),
});

const method = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R) => ({ args, result });

/**
 * A method that changes something is named after the mutator it runs (src-shared/mutators), the
 * name the sync push and the server's services use too: one name per operation. Reads keep their
 * plural names; `tasks.reassign` and `tasks.cancel` are shorthands that queue `task.update`s.
 */
export const IPC_METHODS = {
  'session.login': method(LoginArgs, SessionInfo),
  'session.logout': method(Empty, z.null()),
  'session.current': method(Empty, SessionInfo.nullable()),

  'call.create': method(CallCreate.extend({ started_at: Timestamp.optional() }), CallRead),
  'call.update': method(z.object({ id: Id, patch: CallUpdate, at: Timestamp.optional() }), CallRead),
  'calls.get': method(IdArgs, CallRead.nullable()),
  'calls.list': method(CallListArgs, z.array(CallRead)),

  'tasks.mine': method(TaskFilter.omit({ assignee_id: true }), z.array(TaskRead)),
  'tasks.team': method(TaskFilter, z.array(TaskRead)),
  'tasks.get': method(IdArgs, TaskRead.nullable()),
  'task.create': method(TaskCreate, TaskRead),
  'task.update': method(z.object({ id: Id, patch: TaskUpdate }), TaskRead),
  'tasks.reassign': method(z.object({ ids: z.array(Id).min(1).max(1000), assignee_id: Id }), z.array(TaskRead)),
  'tasks.cancel': method(IdArgs, TaskRead),

  'patients.search': method(z.object({ q: z.string().max(100), limit: z.number().int().min(1).max(200).optional() }), z.array(PatientRead)),
  'patients.lookupByNumber': method(z.object({ phone: z.string().min(3).max(32) }), PatientRead.nullable()),
  'patients.get': method(IdArgs, PatientRead.nullable()),
  'patient.create': method(PatientCreate, PatientRead),
  'patient.update': method(z.object({ id: Id, patch: PatientUpdate }), PatientRead),

  'users.list': method(Empty, z.array(UserRead)),
  'dispositions.list': method(Empty, z.array(Disposition)),

  'sync.status': method(Empty, SyncStatus),
  'sync.now': method(Empty, SyncStatus),
  'sync.attention': method(Empty, z.array(AttentionItem)),
  'sync.discard': method(z.object({ mutation_id: Id }), z.null()),
  'sync.retry': method(z.object({ mutation_id: Id, args: z.record(z.string(), z.unknown()).optional() }), z.null()),

  /** the agent's own state (the status bar); setting it is a local write that syncs with its time */
  'agentStates.mine': method(Empty, AgentStateRead.nullable()),
  'agent_state.set': method(
    z.object({ state: AgentStateName, reason: z.string().min(1).max(40).nullable().optional(), at: Timestamp.optional(), call_id: Id.nullable().optional() }),
    AgentStateRead,
  ),
  /** every agent's current state as last pulled (supervisors: the wallboard; agents: their own) */
  'agentStates.list': method(Empty, z.array(AgentStateRead)),
  'agentStates.settings': method(Empty, AgentStateSettings),

  /**
   * Shifts (seed 003 schedules) from the local store: an agent's own, or the organization's for
   * supervisors; those overlapping `from`..`to`, by start. Supervisors plan them with local writes
   * (schedule.create / schedule.update) that work offline and sync like any other change.
   */
  'schedules.list': method(z.object({ from: Timestamp.optional(), to: Timestamp.optional(), staff_id: Id.optional() }), z.array(Schedule)),
  'schedule.create': method(ScheduleCreate, Schedule),
  'schedule.update': method(z.object({ id: Id, patch: ScheduleUpdate }), Schedule),

  /** the signed-in agent's softphone account and audio devices (the password via the SecretStore) */
  'phone.settings.get': method(Empty, PhoneSettingsRead),
  'phone.settings.set': method(PhoneSettingsPatch, PhoneSettingsRead),

  /** the page publishes the phone's and the agent's state for the shell (ring, notify, tray, quit, updates) */
  'desktop.phoneState': method(DesktopPhoneState, DesktopShellInfo),
  /** this machine's global shortcuts (answer, hang up, mute): off until set; problems per action */
  'desktop.shortcuts.get': method(Empty, ShortcutsStatus),
  'desktop.shortcuts.set': method(ShortcutSettings, ShortcutsStatus),
} as const;

export const IPC_EVENTS = {
  'sync.status': SyncStatus,
  /** local data changed (a pull applied, or a local write): views re-query what they show */
  'data.changed': z.object({ entities: z.array(z.enum(SYNC_ENTITIES)) }),
  /** tasks newly assigned to the signed-in user by someone else (desktop notification) */
  'tasks.assigned': z.object({ tasks: z.array(TaskRead) }),
  /** the OS opened a tel:/sip: link with this app: the renderer offers to dial the number (sent by the shell) */
  'phone.dial': z.object({ number: z.string().min(1).max(64) }),
  /** the agent acted outside the page: a global shortcut, a notification button, a tray item (sent by the shell) */
  'desktop.command': DesktopCommand,
} as const;

export type IpcMethod = keyof typeof IPC_METHODS;
export type IpcEvent = keyof typeof IPC_EVENTS;
export type IpcArgs<M extends IpcMethod> = z.input<(typeof IPC_METHODS)[M]['args']>;
export type IpcResult<M extends IpcMethod> = z.output<(typeof IPC_METHODS)[M]['result']>;
export type IpcPayload<E extends IpcEvent> = z.output<(typeof IPC_EVENTS)[E]>;

/** What the core implements and both shells expose: one async function per method. */
export type CoreHandlers = { [M in IpcMethod]: (args: z.output<(typeof IPC_METHODS)[M]['args']>) => Promise<IpcResult<M>> };

export interface CoreEventSource {
  on<E extends IpcEvent>(event: E, listener: (payload: IpcPayload<E>) => void): () => void;
}

/** The API the renderer sees on `window.oncall` (preload in Electron, bridge script in the host). */
export interface RendererBridge extends CoreEventSource {
  invoke<M extends IpcMethod>(method: M, args: IpcArgs<M>): Promise<IpcResult<M>>;
}

/** Errors cross the bridge as data: the seed's error object plus where it came from. */
export const BridgeError = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });
export type BridgeError = z.infer<typeof BridgeError>;

export { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from './channels';
