/**
 * The softphone's settings per signed-in agent ('phone.settings.get' / 'phone.settings.set').
 * Everything but the SIP password sits in the local store's settings table; the password goes to
 * the shell's SecretStore (safeStorage in Electron, a 0600 file in the Node host), never SQLite.
 * Settings are keyed by user id: another agent signing in on this desktop gets their own phone.
 */
import type { CoreHandlers } from '../../src-shared/ipc/contract';
import type { SessionUser } from '../../src-shared/schemas/auth';
import {
  DEFAULT_PHONE_SETTINGS,
  PhoneSettings,
  type PhoneSettingsPatch,
  type PhoneSettingsRead,
} from '../../src-shared/schemas/phone-settings';
import type { ProvisionedPhone, SecretStore } from './api';
import { CoreError, validationError } from './errors';
import type { LocalStore } from './store';

export class PhoneSettingsService {
  constructor(
    private readonly store: LocalStore,
    private readonly secrets: SecretStore,
    private readonly user: () => SessionUser | null,
    private readonly provisioned: Record<string, ProvisionedPhone> = {},
  ) {}

  async get(): Promise<PhoneSettingsRead> {
    const userId = this.userId();
    const saved = this.store.reference.getSetting<Partial<PhoneSettings>>(settingsKey(userId));
    const account = this.provisioned[this.user()?.email ?? ''];
    // An account provisioned for this desktop applies until the agent saves settings of their own.
    if (!saved && account) {
      const { password, ...fields } = account;
      const parsed = PhoneSettings.safeParse({ ...DEFAULT_PHONE_SETTINGS, ...fields });
      if (parsed.success) return { ...parsed.data, password: (await this.secrets.get(passwordKey(userId))) ?? password };
    }
    // Fields added in later versions fall back to their defaults.
    const parsed = PhoneSettings.safeParse({ ...DEFAULT_PHONE_SETTINGS, ...saved });
    const settings = parsed.success ? parsed.data : DEFAULT_PHONE_SETTINGS;
    return { ...settings, password: await this.secrets.get(passwordKey(userId)) };
  }

  /**
   * Partial updates are read-merge-write across an await (the SecretStore): run them one at a
   * time, or two quick changes (say, microphone then speaker) lose one of them.
   */
  set(patch: PhoneSettingsPatch): Promise<PhoneSettingsRead> {
    const run = this.queue.then(() => this.apply(patch));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private queue: Promise<unknown> = Promise.resolve();

  private async apply(patch: PhoneSettingsPatch): Promise<PhoneSettingsRead> {
    const userId = this.userId();
    const { password, ...fields } = patch;
    const current = await this.get();
    const { password: _kept, ...currentFields } = current;
    const next = PhoneSettings.safeParse({ ...currentFields, ...fields });
    if (!next.success) throw validationError(next.error);
    if ((next.data.ws_url === null) !== (next.data.sip_uri === null)) {
      throw new CoreError('VALIDATION_FAILED', 'validation failed', {
        [next.data.ws_url === null ? 'ws_url' : 'sip_uri']: 'the WebSocket URL and the SIP URI are set together',
      });
    }
    this.store.reference.setSetting(settingsKey(userId), next.data);
    if (password === null) await this.secrets.delete(passwordKey(userId));
    else if (password !== undefined) await this.secrets.set(passwordKey(userId), password);
    // The first save over a provisioned account keeps its password (now the agent's own).
    else if (current.password !== null && (await this.secrets.get(passwordKey(userId))) === null) await this.secrets.set(passwordKey(userId), current.password);
    return this.get();
  }

  private userId(): string {
    const user = this.user();
    if (!user) throw new CoreError('UNAUTHENTICATED', 'Sign in to use the phone.');
    return user.id;
  }
}

const settingsKey = (userId: string) => `phone.settings.${userId}`;
const passwordKey = (userId: string) => `phone.sip_password.${userId}`;

export function phoneSettingsHandlers(service: PhoneSettingsService): Pick<CoreHandlers, 'phone.settings.get' | 'phone.settings.set'> {
  return {
    'phone.settings.get': () => service.get(),
    'phone.settings.set': (args) => service.set(args),
  };
}
