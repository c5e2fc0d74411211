/**
 * A store restored from an older copy (a backup, a VM snapshot) has the same client id but a seq
 * counter behind the server's. Its new mutations must not reuse seqs the server already
 * processed: those would be answered "duplicate" without being applied.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore } from '../support/desktop-core';
import { Http } from '../support/http';

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(() => stopAndClean(server));

it('moves past the seqs the server has processed before pushing', async () => {
  let core = await openCore();
  await core.signIn(server.url, 'agent2@demo.test');
  await core.invoke('sync.now', {});
  await core.close();
  const backup = mkdtempSync(join(tmpdir(), 'oncall-backup-'));
  cpSync(core.dataDir, backup, { recursive: true });

  core = await openCore({ dataDir: core.dataDir, secrets: core.secrets });
  await core.invoke('call.create', { direction: 'inbound', phone_number: '+447700900701' });
  expect((await core.invoke('sync.now', {})).pending).toBe(0);
  await core.close();

  // The old copy comes back (while the API is unreachable, so nothing tells it about the
  // server's progress) and logs a call under seq 1, which the server has already processed.
  await server.stop();
  core = await openCore({ dataDir: backup, secrets: core.secrets });
  const call = await core.invoke('call.create', { direction: 'inbound', phone_number: '+447700900702' });
  await server.restart();
  expect((await core.invoke('sync.now', {})).pending).toBe(0);
  await core.close();

  const http = new Http(server.url);
  const admin = await http.login('admin@demo.test');
  expect((await http.get(`/api/v1/organizations/${server.orgs.demo}/calls/${call.id}`, admin)).body.phone_number).toBe('+447700900702');
});
