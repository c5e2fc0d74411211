/**
 * The phone's settings as the desktop core keeps them ('phone.settings.get' / '.set'): the real
 * core over a real SQLite file, signed in against the real API.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';

const ACCOUNT = { ws_url: 'wss://pbx.example.org:8089/ws', sip_uri: 'sip:+442079460101@pbx.example.org' };
const PASSWORD = 'sip-Pa55-unique-7f3a9c';

describe('phone settings in the desktop core', () => {
  let api: ApiServer;
  let desk: TestCore;

  beforeAll(async () => {
    api = await startApiServer();
    desk = await openCore();
    await desk.signIn(api.url, 'agent1@demo.test');
  });

  afterAll(async () => {
    await desk?.close();
    await stopAndClean(api);
  });

  it('starts unconfigured, with no public STUN server and RFC 4733 DTMF', async () => {
    expect(await desk.invoke('phone.settings.get', {})).toMatchObject({
      ws_url: null,
      sip_uri: null,
      password: null,
      ice_servers: [],
      dtmf_mode: 'rfc4733',
      default_region: 'GB',
    });
  });

  it('keeps the SIP password in the SecretStore and never in the SQLite store', async () => {
    const saved = await desk.invoke('phone.settings.set', { ...ACCOUNT, display_name: 'Alex', password: PASSWORD });
    expect(saved).toMatchObject({ ...ACCOUNT, display_name: 'Alex', password: PASSWORD });
    expect([...desk.secrets.values.values()]).toContain(PASSWORD);
    for (const file of readdirSync(desk.dataDir)) {
      expect(readFileSync(join(desk.dataDir, file)).includes(PASSWORD), `${file} holds the password`).toBe(false);
    }
    // A patch without a password keeps it; null forgets it.
    expect(await desk.invoke('phone.settings.set', { dtmf_mode: 'info' })).toMatchObject({ dtmf_mode: 'info', password: PASSWORD });
    expect(await desk.invoke('phone.settings.set', { password: null })).toMatchObject({ password: null, ...ACCOUNT });
  });

  it('applies quick partial updates one after another (none is lost)', async () => {
    await Promise.all([
      desk.invoke('phone.settings.set', { mic_device_id: 'headset-mic' }),
      desk.invoke('phone.settings.set', { speaker_device_id: 'headset-out' }),
      desk.invoke('phone.settings.set', { ringer_device_id: 'desk-speaker' }),
    ]);
    expect(await desk.invoke('phone.settings.get', {})).toMatchObject({
      mic_device_id: 'headset-mic',
      speaker_device_id: 'headset-out',
      ringer_device_id: 'desk-speaker',
    });
  });

  it('refuses a WebSocket URL without a SIP address, naming the field', async () => {
    await expect(desk.invoke('phone.settings.set', { sip_uri: null })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { sip_uri: expect.any(String) },
    });
    expect(await desk.invoke('phone.settings.get', {})).toMatchObject(ACCOUNT);
  });

  it('gives another agent on the same desktop a phone of their own, and none when signed out', async () => {
    await desk.invoke('session.logout', {});
    await expect(desk.invoke('phone.settings.get', {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await desk.signIn(api.url, 'agent2@demo.test');
    expect(await desk.invoke('phone.settings.get', {})).toMatchObject({ ws_url: null, sip_uri: null, password: null, mic_device_id: null });
  });
});

describe('phone accounts provisioned for a desktop (the demo, IT pre-configuration)', () => {
  let api: ApiServer;
  let desk: TestCore;
  const provisioned = { ws_url: 'ws://127.0.0.1:5066', sip_uri: 'sip:+442079460102@oncall.test', password: 'demo-sip-2', display_name: 'Agent Two' };

  beforeAll(async () => {
    api = await startApiServer();
    desk = await openCore({ provisionedPhones: { 'agent2@demo.test': provisioned } });
  });

  afterAll(async () => {
    await desk?.close();
    await stopAndClean(api);
  });

  it('applies to that agent until they save settings of their own, and to nobody else', async () => {
    await desk.signIn(api.url, 'agent2@demo.test');
    expect(await desk.invoke('phone.settings.get', {})).toMatchObject(provisioned);
    expect(await desk.invoke('phone.settings.set', { dtmf_mode: 'info' })).toMatchObject({ ...provisioned, dtmf_mode: 'info' });
    expect(await desk.invoke('phone.settings.set', { ws_url: null, sip_uri: null })).toMatchObject({ ws_url: null, sip_uri: null });
    await desk.invoke('session.logout', {});
    await desk.signIn(api.url, 'agent1@demo.test');
    expect(await desk.invoke('phone.settings.get', {})).toMatchObject({ ws_url: null, sip_uri: null, password: null });
  });
});
