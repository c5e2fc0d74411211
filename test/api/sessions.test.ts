/**
 * Sessions (docs/auth.md): a refresh token used twice revokes the whole session it came from
 * (OAuth 2.0 security best practice: the reuse means it was stolen), logout and revocation end
 * that session's open event streams, and one user holds a bounded number of streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { EventStream } from '../support/event-stream';
import { errorOf, Http, type Session } from '../support/http';

/** a deadline for something that must happen: generous, the wait ends as soon as it does */
const WITHIN_MS = 15_000;
const STREAMS_PER_USER = 3;

let server: ApiServer;
let http: Http;
let supervisor: Session;
const opened: EventStream[] = [];

const refresh = (token: string) => http.post('/api/v1/auth/refresh', { refresh_token: token });
const me = (token: string) => http.get('/api/v1/users/me', { token });

async function stream(token: string): Promise<EventStream> {
  const s = await EventStream.open(`${server.url}/api/v1/organizations/${server.orgs.demo}/sync/events`, token, WITHIN_MS);
  opened.push(s);
  expect(s.response.status).toBe(200);
  return s;
}

beforeAll(async () => {
  server = await startApiServer({ env: { SYNC_HEARTBEAT_MS: '500', SYNC_STREAMS_PER_USER: String(STREAMS_PER_USER) } });
  http = new Http(server.url);
  supervisor = await http.login('supervisor@demo.test');
});
afterAll(async () => {
  for (const s of opened) s.close();
  await stopAndClean(server);
});

describe('refresh token reuse', () => {
  it('revokes the whole session: the rotated pair stops working too, other sessions stay', async () => {
    const first = await http.login('agent1@demo.test');
    const elsewhere = await http.login('agent1@demo.test');
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect((await me(second.body.access_token)).status).toBe(200);

    const replay = await refresh(first.refreshToken); // the old token, again: stolen
    expect(replay.status).toBe(401);
    expect(errorOf(replay).code).toBe('UNAUTHORIZED');

    expect((await me(second.body.access_token)).status).toBe(401);
    expect((await refresh(second.body.refresh_token)).status).toBe(401);
    expect((await me(elsewhere.token)).status).toBe(200);

    const audit = await http.get(`/api/v1/organizations/${server.orgs.demo}/audit?entity=session&action=revoke&actor_id=${first.user.id}`, supervisor);
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it("ends the session's open event streams", async () => {
    const first = await http.login('agent2@demo.test');
    const second = await refresh(first.refreshToken);
    const s = await stream(second.body.access_token);
    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect(await s.until(() => s.ended, WITHIN_MS)).toBe(true);
  });
});

describe('event streams', () => {
  it('logout ends the streams of that session only', async () => {
    const a = await http.login('agent1@demo.test');
    const b = await http.login('agent1@demo.test');
    const sa = await stream(a.token);
    const sb = await stream(b.token);
    expect((await http.post('/api/v1/auth/logout', undefined, a)).status).toBe(204);
    expect(await sa.until(() => sa.ended, WITHIN_MS)).toBe(true);
    // the other session's stream still hears heartbeats after the first one ended
    const beats = sb.comments.filter((c) => c === 'heartbeat').length;
    expect(await sb.until(() => sb.comments.filter((c) => c === 'heartbeat').length > beats, WITHIN_MS)).toBe(true);
    expect(sb.ended).toBe(false);
    sb.close();
  });

  it('a refresh keeps the session, and its stream, alive', async () => {
    const a = await http.login('agent2@demo.test');
    const s = await stream(a.token);
    expect((await refresh(a.refreshToken)).status).toBe(200);
    const beats = s.comments.filter((c) => c === 'heartbeat').length;
    expect(await s.until(() => s.comments.filter((c) => c === 'heartbeat').length > beats + 1, WITHIN_MS)).toBe(true);
    expect(s.ended).toBe(false);
    s.close();
  });

  it(`one user holds at most ${STREAMS_PER_USER} streams: a new one ends the oldest`, async () => {
    const a = await http.login('supervisor@demo.test');
    const streams: EventStream[] = [];
    for (let i = 0; i < STREAMS_PER_USER; i++) streams.push(await stream(a.token));
    const newest = await stream(a.token);
    expect(await streams[0]!.until(() => streams[0]!.ended, WITHIN_MS)).toBe(true);
    expect(streams.slice(1).every((s) => !s.ended)).toBe(true);
    expect(newest.ended).toBe(false);
    for (const s of [...streams, newest]) s.close();
  });
});
