/**
 * Credentials at rest in the Electron app: each value encrypted with safeStorage (Keychain on
 * macOS, DPAPI on Windows, libsecret/kwallet on Linux) in a 0600 file in userData. When the OS
 * offers no real encryption (Linux without a keyring falls back to a hard-coded key, 'basic_text')
 * we refuse to write the token to disk: it lives in memory and the agent signs in again next launch.
 */
import { safeStorage } from 'electron';
import type { SecretStore } from '../core/api';
import { createFileSecretStore } from '../core/file-secret-store';

export function encryptionAvailable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
}

function memorySecretStore(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
  };
}

export function createSafeStorageSecretStore(file: string): SecretStore {
  if (!encryptionAvailable()) {
    console.warn('[secrets] OS encryption unavailable: credentials are kept in memory only, never written in plain text.');
    return memorySecretStore();
  }
  return createFileSecretStore(file, {
    encode: (value) => safeStorage.encryptString(value).toString('base64'),
    decode: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
  });
}
