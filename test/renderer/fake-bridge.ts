/**
 * An in-memory RendererBridge for component and store tests ONLY (the end-to-end tests run the
 * real core behind the real host). It validates every argument with the contract's zod schemas,
 * applies every change with the real rulebook (src-shared/mutators: the core's and the API's
 * rules), and records every call so a test can assert what the renderer asked for. Also used by
 * the UI benchmark page.
 */
import { DEFAULT_DISPOSITIONS } from '../../src-shared/domain/dispositions';
import {
  type AttentionItem,
  type BridgeError,
  IPC_METHODS,
  type IpcArgs,
  type IpcEvent,
  type IpcMethod,
  type IpcPayload,
  type IpcResult,
  type RendererBridge,
  type SessionInfo,
  type SyncStatus,
} from '../../src-shared/ipc/contract';
import { applyShortcuts, type ShortcutsStatus } from '../../src-shared/ipc/desktop';
import type { AgentStateRead } from '../../src-shared/schemas/agent-states';
import { type AgentStateSettings, DEFAULT_AGENT_STATE_SETTINGS, agentStateProblem, nextAgentState } from '../../src-shared/domain/agent-state';
import { RuleError, runMutator, type MutatorTx, type RecordOf, type RuleEntity } from '../../src-shared/mutators';
import type { CallRead } from '../../src-shared/schemas/calls';
import type { Schedule } from '../../src-shared/schemas/oncall';
import { shiftsOverlap } from '../../src-shared/domain/shifts';
import type { MutatorName } from '../../src-shared/schemas/sync';
import type { PatientRead } from '../../src-shared/schemas/patients';
import { DEFAULT_PHONE_SETTINGS, type PhoneSettingsRead } from '../../src-shared/schemas/phone-settings';
import type { TaskRead } from '../../src-shared/schemas/tasks';
import type { UserRead } from '../../src-shared/schemas/users';

export const ORG = '0190f000-0000-7000-8000-000000000001';
let counter = 0;
export function newId(): string {
  counter++;
  return `0190f000-0000-7000-8000-${String(counter).padStart(12, '0')}`;
}
const iso = (ms = Date.now()) => new Date(ms).toISOString();

export function makeUser(name: string, role: UserRead['role'] = 'agent'): UserRead {
  const at = iso();
  return { id: newId(), organization_id: ORG, email: `${name.toLowerCase().replace(/\W+/g, '.')}@demo.test`, name, role, active: true, created_at: at, updated_at: at };
}

export function makePatient(first: string, last: string, phone: string, extra: Partial<PatientRead> = {}): PatientRead {
  const at = iso();
  return {
    id: newId(),
    organization_id: ORG,
    first_name: first,
    last_name: last,
    full_name: `${first} ${last}`,
    phone_number: phone,
    alt_phone_number: null,
    email: null,
    date_of_birth: null,
    mrn: null,
    notes: '',
    created_at: at,
    updated_at: at,
    version: 1,
    ...extra,
  };
}

export function makeShift(staffId: string, startTime: string, endTime: string, extra: Partial<Schedule> = {}): Schedule {
  const at = iso();
  return { id: newId(), staffId, type: 'regular', status: 'scheduled', startTime, endTime, metadata: {}, organizationId: ORG, createdAt: at, updatedAt: at, ...extra };
}

export function makeTask(fields: Partial<TaskRead> & { title: string }): TaskRead {
  const at = fields.created_at ?? iso();
  return {
    id: newId(),
    organization_id: ORG,
    description: '',
    assignee_id: null,
    assignee_name: null,
    created_by: null,
    priority: 'normal',
    status: 'open',
    due_date: null,
    call_id: null,
    patient_id: null,
    completed_at: null,
    created_at: at,
    updated_at: at,
    version: 1,
    ...fields,
  };
}

class FakeError extends Error implements BridgeError {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

type Listener = (payload: unknown) => void;

export class FakeBridge implements RendererBridge {
  users: UserRead[] = [];
  patients: PatientRead[] = [];
  calls = new Map<string, CallRead>();
  tasks = new Map<string, TaskRead>();
  attention: AttentionItem[] = [];
  agentStates = new Map<string, AgentStateRead>();
  schedules = new Map<string, Schedule>();
  agentStateSettings: AgentStateSettings = DEFAULT_AGENT_STATE_SETTINGS;
  session: SessionInfo | null = null;
  /** the agent's softphone settings (not configured unless a test sets ws_url and sip_uri) */
  phoneSettings: PhoneSettingsRead = { ...DEFAULT_PHONE_SETTINGS, password: null };
  password = 'demo-password';
  reachable = true;
  /** the shell's side of 'desktop.*': browser mode by default (no notifications of its own, no global shortcuts) */
  shell = { notifies: false, globalShortcuts: false, taken: new Set<string>() };
  shortcuts: ShortcutsStatus = { supported: false, settings: {}, registered: {}, problems: [] };
  status: SyncStatus = {
    online: true,
    state: 'idle',
    pending: 0,
    oldest_pending_at: null,
    attention: 0,
    last_push_at: null,
    last_pull_at: iso(),
    next_retry_at: null,
    last_error: null,
  };
  /** every invoke, in order */
  log: { method: IpcMethod; args: unknown }[] = [];
  private listeners = new Map<string, Set<Listener>>();
  private failures = new Map<string, BridgeError>();

  signIn(user: UserRead, serverUrl = 'http://127.0.0.1:1'): this {
    this.session = { serverUrl, user: { id: user.id, organization_id: ORG, role: user.role, name: user.name, email: user.email } };
    return this;
  }

  /** The next call of `method` rejects with this error. */
  failNext(method: IpcMethod, error: BridgeError): void {
    this.failures.set(method, error);
  }

  calledWith<M extends IpcMethod>(method: M): IpcArgs<M>[] {
    return this.log.filter((l) => l.method === method).map((l) => l.args as IpcArgs<M>);
  }

  on<E extends IpcEvent>(event: E, listener: (payload: IpcPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener);
  }

  emit<E extends IpcEvent>(event: E, payload: IpcPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  listenerCount(event: IpcEvent): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  async invoke<M extends IpcMethod>(method: M, args: IpcArgs<M>): Promise<IpcResult<M>> {
    this.log.push({ method, args });
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
    const parsed = IPC_METHODS[method].args.safeParse(args);
    if (!parsed.success) {
      const details: Record<string, string> = {};
      for (const issue of parsed.error.issues) details[issue.path.join('.')] ??= issue.message;
      throw new FakeError('VALIDATION_FAILED', 'validation failed', details);
    }
    const handler = (this.handlers as unknown as Record<string, (a: unknown) => unknown>)[method]!;
    return (await handler(parsed.data)) as IpcResult<M>;
  }

  private me() {
    if (!this.session) throw new FakeError('UNAUTHORIZED', 'sign in first');
    return this.session.user;
  }

  private changed(...entities: ('call' | 'task' | 'patient' | 'user' | 'schedule')[]) {
    queueMicrotask(() => this.emit('data.changed', { entities }));
  }

  putTask(task: TaskRead): TaskRead {
    this.tasks.set(task.id, task);
    return task;
  }

  private lookup(entity: RuleEntity, id: string): RecordOf[RuleEntity] | null {
    if (entity === 'call') return this.calls.get(id) ?? null;
    if (entity === 'task') return this.tasks.get(id) ?? null;
    if (entity === 'patient') return this.patients.find((p) => p.id === id) ?? null;
    if (entity === 'schedule') return this.schedules.get(id) ?? null;
    return this.users.find((u) => u.id === id) ?? null;
  }

  /**
   * A change, by the real rulebook (src-shared/mutators), the bodies the core and the API run:
   * the fake keeps only the store (in memory), never rules of its own.
   */
  private rule(name: MutatorName, args: Record<string, unknown>): RecordOf[RuleEntity] | null {
    const me = this.me();
    const written: [RuleEntity, RecordOf[RuleEntity]][] = [];
    const tx: MutatorTx = {
      actor: { userId: me.id, organizationId: ORG, role: me.role, name: me.name },
      now: iso(),
      settings: { default_country: 'GB', dispositions: DEFAULT_DISPOSITIONS.map((d) => d.code) },
      read: <E extends RuleEntity>(entity: E, id: string) => (this.lookup(entity, id) ?? undefined) as RecordOf[E] | undefined,
      taken: (entity, id) => this.lookup(entity, id) !== null,
      wasOwner: () => false,
      shifts: (staffId, startTime, endTime) => [...this.schedules.values()].filter((x) => x.staffId === staffId && shiftsOverlap(x, { startTime, endTime })),
      write: (entity, record) => written.push([entity, record]),
    };
    try {
      runMutator(tx, name, args);
    } catch (err) {
      if (err instanceof RuleError) throw new FakeError(err.code, err.message, err.details);
      throw err;
    }
    const entity = name.split('.')[0] as RuleEntity;
    for (const [e, record] of written) {
      if (e === 'call') this.calls.set(record.id, record as CallRead);
      else if (e === 'task') this.tasks.set(record.id, record as TaskRead);
      else if (e === 'schedule') this.schedules.set(record.id, record as Schedule);
      else if (e === 'patient') this.patients = [...this.patients.filter((p) => p.id !== record.id), record as PatientRead];
    }
    if (written.length) this.changed(entity as 'call');
    return this.lookup(entity, String(args.id));
  }

  private handlers: { [M in IpcMethod]: (args: never) => Promise<IpcResult<M>> | IpcResult<M> } = {
    'session.login': (a: { serverUrl: string; email: string; password: string }) => {
      if (!this.reachable) throw new FakeError('NETWORK_ERROR', `fetch failed: connect ECONNREFUSED ${a.serverUrl}`);
      const user = this.users.find((u) => u.email === a.email);
      if (!user || a.password !== this.password) throw new FakeError('UNAUTHORIZED', 'invalid email or password');
      return this.signIn(user, a.serverUrl).session!;
    },
    'session.logout': () => {
      this.session = null;
      return null;
    },
    'session.current': () => this.session,
    'call.create': (a: IpcArgs<'call.create'>) => this.rule('call.create', { ...a, id: newId() }) as CallRead,
    'call.update': (a: IpcArgs<'call.update'>) => this.rule('call.update', { ...a.patch, id: a.id, ...(a.at ? { at: a.at } : {}) }) as CallRead,
    'calls.get': (a: { id: string }) => this.calls.get(a.id) ?? null,
    'calls.list': (a: IpcArgs<'calls.list'>) =>
      [...this.calls.values()]
        .filter(
          (c) =>
            (!a.from || c.started_at >= a.from) &&
            (!a.to || c.started_at <= a.to) &&
            (!a.status || c.status === a.status) &&
            (!a.outcome || c.outcome === a.outcome) &&
            (!a.direction || c.direction === a.direction) &&
            (!a.patient_id || c.patient_id === a.patient_id),
        )
        .slice(0, a.limit ?? 10_000),
    'tasks.mine': (a: IpcArgs<'tasks.mine'>) => this.filterTasks({ ...a, assignee_id: this.me().id }),
    'tasks.team': (a: IpcArgs<'tasks.team'>) => {
      if (this.me().role === 'agent') throw new FakeError('FORBIDDEN', 'supervisors only');
      return this.filterTasks(a);
    },
    'tasks.get': (a: { id: string }) => this.tasks.get(a.id) ?? null,
    'task.create': (a: IpcArgs<'task.create'>) => this.rule('task.create', { ...a, id: newId() }) as TaskRead,
    'task.update': (a: IpcArgs<'task.update'>) => this.rule('task.update', { ...a.patch, id: a.id }) as TaskRead,
    'tasks.reassign': (a: IpcArgs<'tasks.reassign'>) => {
      for (const id of a.ids) if (!this.tasks.has(id)) throw new FakeError('NOT_FOUND', `task ${id} not found`);
      return a.ids.map((id) => this.rule('task.update', { id, assignee_id: a.assignee_id }) as TaskRead);
    },
    'tasks.cancel': (a: { id: string }) => this.rule('task.update', { id: a.id, status: 'cancelled' }) as TaskRead,
    'patients.search': (a: { q: string; limit?: number }) => {
      const q = a.q.trim().toLowerCase();
      const digits = q.replace(/\D/g, '');
      return this.patients
        .filter((p) => !q || p.full_name.toLowerCase().includes(q) || (digits.length >= 3 && p.phone_number.replace(/\D/g, '').includes(digits)))
        .slice(0, a.limit ?? 50);
    },
    'patients.lookupByNumber': (a: { phone: string }) => {
      const digits = a.phone.replace(/\D/g, '');
      return this.patients.find((p) => p.phone_number.replace(/\D/g, '').endsWith(digits.slice(-9))) ?? null;
    },
    'patients.get': (a: { id: string }) => this.patients.find((p) => p.id === a.id) ?? null,
    'patient.create': (a: IpcArgs<'patient.create'>) => this.rule('patient.create', { ...a, id: newId() }) as PatientRead,
    'patient.update': (a: IpcArgs<'patient.update'>) => this.rule('patient.update', { ...a.patch, id: a.id }) as PatientRead,
    'users.list': () => this.users,
    'dispositions.list': () => DEFAULT_DISPOSITIONS.map((d) => ({ ...d, builtin: true })),
    'sync.status': () => this.status,
    'sync.now': () => this.status,
    'sync.attention': () => this.attention,
    'sync.discard': (a: { mutation_id: string }) => {
      this.attention = this.attention.filter((x) => x.mutation_id !== a.mutation_id);
      this.status = { ...this.status, attention: this.attention.length };
      return null;
    },
    // The shared rules (nextAgentState), as the core applies them.
    'agentStates.mine': () => this.agentStates.get(this.me().id) ?? null,
    'agent_state.set': (a: IpcArgs<'agent_state.set'>) => {
      const me = this.me();
      const current = this.agentStates.get(me.id) ?? null;
      const problem = agentStateProblem({ ...a, at: a.at ?? iso() }, this.agentStateSettings);
      if (problem) throw new FakeError('VALIDATION_FAILED', 'validation failed', problem);
      const next = nextAgentState(current, { ...a, at: a.at ?? iso() });
      if (!next) return current!;
      const row: AgentStateRead = { id: me.id, organization_id: ORG, user_id: me.id, ...next, version: (current?.version ?? 0) + 1, updated_at: iso() };
      this.agentStates.set(me.id, row);
      queueMicrotask(() => this.emit('data.changed', { entities: ['agent_state'] }));
      return row;
    },
    'agentStates.list': () => [...this.agentStates.values()],
    'schedules.list': (a: IpcArgs<'schedules.list'>) => {
      // Everyone mirrors the organization's whole rota (the API's rule, docs/sync-protocol.md).
      const window = { startTime: a.from ?? '0000-01-01T00:00:00.000Z', endTime: a.to ?? '9999-12-31T23:59:59.999Z' };
      return [...this.schedules.values()]
        .filter((x) => (!a.staff_id || x.staffId === a.staff_id) && shiftsOverlap(x, window))
        .sort((x, y) => x.startTime.localeCompare(y.startTime));
    },
    'schedule.create': (a: IpcArgs<'schedule.create'>) => this.rule('schedule.create', { ...a, id: newId() }) as Schedule,
    'schedule.update': (a: IpcArgs<'schedule.update'>) => this.rule('schedule.update', { ...a.patch, id: a.id }) as Schedule,
    'agentStates.settings': () => this.agentStateSettings,
    'phone.settings.get': () => this.phoneSettings,
    'phone.settings.set': (a: IpcArgs<'phone.settings.set'>) => {
      this.phoneSettings = { ...this.phoneSettings, ...a } as PhoneSettingsRead;
      return this.phoneSettings;
    },
    'desktop.phoneState': () => ({ notifies: this.shell.notifies }),
    'desktop.shortcuts.get': () => ({ ...this.shortcuts, supported: this.shell.globalShortcuts }),
    // The real rule (src-shared/ipc/desktop.ts); `shell.taken` plays the other applications.
    'desktop.shortcuts.set': (a: IpcArgs<'desktop.shortcuts.set'>) => {
      const outcome = this.shell.globalShortcuts ? applyShortcuts(a, (accelerator) => !this.shell.taken.has(accelerator)) : { registered: {}, problems: [] };
      this.shortcuts = { supported: this.shell.globalShortcuts, settings: a, ...outcome };
      return this.shortcuts;
    },
    'sync.retry': (a: { mutation_id: string }) => {
      this.attention = this.attention.filter((x) => x.mutation_id !== a.mutation_id);
      this.status = { ...this.status, attention: this.attention.length, pending: this.status.pending + 1 };
      return null;
    },
  };

  private filterTasks(a: IpcArgs<'tasks.team'>): TaskRead[] {
    const out: TaskRead[] = [];
    for (const t of this.tasks.values()) {
      if (a.status && !a.status.includes(t.status)) continue;
      if (a.priority && t.priority !== a.priority) continue;
      if (a.patient_id && t.patient_id !== a.patient_id) continue;
      if (a.assignee_id && t.assignee_id !== a.assignee_id) continue;
      out.push(t);
    }
    return out.slice(0, a.limit ?? 50_000);
  }
}
