/**
 * One rulebook: the desktop reaches the server's verdict because it runs the same mutator
 * bodies with the same organization settings (here: the phone country of an organization
 * outside the UK).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { openCore, type TestCore } from '../support/desktop-core';
import { Http } from '../support/http';
import { query, sql } from '../support/store';

let server: ApiServer;
let core: TestCore;

beforeAll(async () => {
  server = await startApiServer();
  // The other organization is in the United States: numbers typed without a code are American.
  await query(server, sql`UPDATE organizations SET default_country = ${'US'} WHERE id = ${server.orgs.other}`);
  core = await openCore();
  await core.signIn(server.url, 'agent1@other.test');
  await core.invoke('sync.now', {});
});
afterAll(async () => {
  await core?.close();
  await stopAndClean(server);
});

describe("the organization's phone country", () => {
  it('reads a number the same way on the desktop and on the server', async () => {
    const call = await core.invoke('call.create', { direction: 'inbound', phone_number: '(415) 555-0132' });
    expect(call.phone_number).toBe('+14155550132');
    const patient = await core.invoke('patient.create', { first_name: 'Ana', last_name: 'Ruiz', phone_number: '212 555 0199' });
    expect(patient.phone_number).toBe('+12125550199');
    expect((await core.invoke('sync.now', {})).pending).toBe(0);

    const http = new Http(server.url);
    const admin = await http.login('admin@other.test');
    const org = `/api/v1/organizations/${server.orgs.other}`;
    expect((await http.get(`${org}/calls/${call.id}`, admin)).body.phone_number).toBe('+14155550132');
    expect((await http.get(`${org}/patients/${patient.id}`, admin)).body.phone_number).toBe('+12125550199');
    expect((await http.get(`${org}/settings`, admin)).body).toEqual({ default_country: 'US' });
  });
});
