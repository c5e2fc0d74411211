/** Every IPC method of the contract, mapped onto the core's services. */
import { DEFAULT_DISPOSITIONS } from '../../src-shared/domain/dispositions';
import type { CoreHandlers } from '../../src-shared/ipc/contract';
import type { UserRead } from '../../src-shared/schemas/users';
import { agentStateHandlers, type AgentStateService } from './services/agent-states';
import { desktopHandlers, type DesktopService } from './desktop';
import { phoneSettingsHandlers, type PhoneSettingsService } from './phone-settings';
import type { AttentionService } from './services/attention';
import type { CallService } from './services/calls';
import type { PatientService } from './services/patients';
import { scheduleHandlers, type ScheduleService } from './services/schedules';
import type { SessionService } from './services/session';
import type { TaskService } from './services/tasks';
import type { LocalStore } from './store';
import type { SyncEngine } from './sync/engine';

export interface Services {
  store: LocalStore;
  session: SessionService;
  calls: CallService;
  tasks: TaskService;
  patients: PatientService;
  attention: AttentionService;
  engine: SyncEngine;
  phoneSettings: PhoneSettingsService;
  agentStates: AgentStateService;
  desktop: DesktopService;
  schedules: ScheduleService;
}

export function createHandlers(s: Services): CoreHandlers {
  return {
    'session.login': (args) => s.session.login(args),
    'session.logout': async () => {
      await s.session.logout();
      return null;
    },
    'session.current': async () => s.session.current(),

    'call.create': async (args) => s.calls.create(args),
    'call.update': async (args) => s.calls.update(args),
    'calls.get': async ({ id }) => s.calls.get(id),
    'calls.list': async (args) => s.calls.list(args),

    'tasks.mine': async (args) => s.tasks.mine(args),
    'tasks.team': async (args) => s.tasks.team(args),
    'tasks.get': async ({ id }) => s.tasks.get(id),
    'task.create': async (args) => s.tasks.create(args),
    'task.update': async (args) => s.tasks.update(args),
    'tasks.reassign': async (args) => s.tasks.reassign(args),
    'tasks.cancel': async ({ id }) => s.tasks.cancel(id),

    'patients.search': async (args) => s.patients.search(args),
    'patients.lookupByNumber': async ({ phone }) => s.patients.lookupByNumber(phone),
    'patients.get': async ({ id }) => s.patients.get(id),
    'patient.create': async (args) => s.patients.create(args),
    'patient.update': async (args) => s.patients.update(args),

    'users.list': async () => s.store.entities.query<UserRead>('user', '', [], 'ORDER BY name, id'),
    // Before the first sync the built-in codes are all we know, and they are always valid.
    'dispositions.list': async () => {
      const cached = s.store.reference.dispositions();
      return cached.length ? [...cached] : DEFAULT_DISPOSITIONS.map((d) => ({ ...d, builtin: true }));
    },

    'sync.status': async () => s.engine.status(),
    'sync.now': () => s.engine.syncNow(),
    'sync.attention': async () => s.attention.list(),
    'sync.discard': async ({ mutation_id }) => {
      s.attention.discard(mutation_id);
      return null;
    },
    'sync.retry': async ({ mutation_id, args }) => {
      s.attention.retry(mutation_id, args);
      return null;
    },

    ...phoneSettingsHandlers(s.phoneSettings),
    ...agentStateHandlers(s.agentStates),
    ...desktopHandlers(s.desktop),
    ...scheduleHandlers(s.schedules),
  };
}
