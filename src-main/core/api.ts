/**
 * What the shells (src-main/electron, src-main/host) get from the core. The core is plain Node:
 * the shells give it what only they can provide (where data lives, how secrets are kept).
 */
import type { CoreEventSource, CoreHandlers } from '../../src-shared/ipc/contract';
import type { FetchLike } from '../../src-shared/sdk';
import type { ShellPort } from './desktop';
import type { SyncTiming } from './sync/timing';

export type { ShellPort } from './desktop';

/** Keeps credentials: Electron's safeStorage in the app, a 0600 file in the Node host. */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface DesktopCoreOptions {
  /** the directory holding this desktop's SQLite store */
  dataDir: string;
  /** the central API used when the session has none remembered (e.g. API_URL) */
  defaultApiUrl?: string;
  secrets: SecretStore;
  /** injectable for tests of timing; defaults to Date.now */
  now?: () => number;
  /** the sync engine's clocks and knobs (backoff, batch sizes): tests, chaos runs and benchmarks */
  sync?: Partial<SyncTiming>;
  /** the HTTP client under the SDK (a fault-injecting one in chaos tests); defaults to global fetch */
  fetch?: FetchLike;
  /**
   * Phone accounts provisioned for this desktop by email (the demo, or IT pre-configuring a
   * machine): used while the agent has saved no phone settings of their own.
   */
  provisionedPhones?: Record<string, ProvisionedPhone>;
  /** the desktop around the phone (tray, notifications, global shortcuts): Electron's; none in the host */
  shell?: ShellPort;
}

export interface ProvisionedPhone {
  ws_url: string;
  sip_uri: string;
  password: string;
  display_name?: string;
}

export interface DesktopCore extends CoreEventSource {
  handlers: CoreHandlers;
  close(): Promise<void>;
}
