/**
 * createDesktopCore: the offline-first core the shells (Electron, the Node host) run. It opens
 * the store in `dataDir`, resumes the remembered session from the SecretStore and starts
 * syncing; every IPC method answers from the local store. docs/client-core.md.
 */
import type { DesktopCore, DesktopCoreOptions } from './api';
import { DesktopService } from './desktop';
import { CoreEvents } from './events';
import { createHandlers } from './handlers';
import { LocalWriter } from './local-writes';
import { PhoneSettingsService } from './phone-settings';
import { AgentStateService } from './services/agent-states';
import { ScheduleService } from './services/schedules';
import { AttentionService } from './services/attention';
import { CallService } from './services/calls';
import { PatientService } from './services/patients';
import { SessionService } from './services/session';
import { TaskService } from './services/tasks';
import { LocalStore } from './store';
import { SyncEngine } from './sync/engine';
import { DEFAULT_TIMING } from './sync/timing';

export type { DesktopCore, DesktopCoreOptions, SecretStore, ShellPort } from './api';
export { CoreError } from './errors';

export async function createDesktopCore(options: DesktopCoreOptions): Promise<DesktopCore> {
  const now = options.now ?? Date.now;
  const timing = { ...DEFAULT_TIMING, ...options.sync };
  const store = LocalStore.open(options.dataDir);
  const events = new CoreEvents();

  // The engine and the session refer to each other (sign-in attaches, expiry signs out): the
  // closures below read `engine` only after it is constructed.
  const session = new SessionService({
    store,
    secrets: options.secrets,
    engine: () => engine,
    fetch: options.fetch,
    onChange: () => engine.emitStatus(),
  });
  const writer = new LocalWriter({
    store,
    now,
    user: () => session.user(),
    onWrite: (entities) => {
      events.emit('data.changed', { entities });
      engine.emitStatus();
      engine.trigger('write');
    },
  });
  const engine: SyncEngine = new SyncEngine({
    store,
    writer,
    timing,
    now,
    user: () => session.user(),
    emit: (event, payload) => events.emit(event, payload),
    onSignedOut: () => void session.expired(),
  });
  const attention = new AttentionService(store, writer, (entities) => {
    if (entities.length) events.emit('data.changed', { entities });
    engine.emitStatus();
  });

  await session.resume();
  const desktop = new DesktopService(store, options.shell, (command) => events.emit('desktop.command', command));

  const handlers = createHandlers({
    store,
    session,
    engine,
    calls: new CallService(store, writer, now),
    tasks: new TaskService(store, writer, () => session.user()),
    patients: new PatientService(store, writer),
    attention,
    phoneSettings: new PhoneSettingsService(store, options.secrets, () => session.user(), options.provisionedPhones),
    agentStates: new AgentStateService(store, writer, () => session.user(), now),
    desktop,
    schedules: new ScheduleService(store, writer),
  });

  let closed = false;
  return {
    handlers,
    on: (event, listener) => events.on(event, listener),
    async close() {
      if (closed) return;
      closed = true;
      desktop.close();
      engine.detach();
      await engine.idle();
      store.close();
    },
  };
}
