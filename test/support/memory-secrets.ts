/** An in-memory SecretStore for tests (the shells keep real ones: safeStorage, a 0600 file). */
import type { SecretStore } from '../../src-main/core/api';

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}
