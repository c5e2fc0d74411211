/**
 * Every operation x every principal x another organization, against the permission table in
 * test/support/role-matrix.ts: each cell is one real request, so a role that gains or loses a
 * right, or a record that crosses organizations, fails here with the exact request named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../src-shared/schemas/errors';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http, type Credential, type Res, type Session } from '../support/http';
import { describeOp, fetchOpenApi, fillPath, routesOf, SAFE_URL, type RouteOp } from '../support/openapi-routes';
import {
  defaultIds,
  EXPECTED,
  MARK,
  operationOf,
  PRINCIPALS,
  REQUESTS,
  type Fixtures,
  type Principal,
  type RequestKit,
} from '../support/role-matrix';

const FOREIGN = ['otherAgent', 'otherSupervisor', 'otherAdmin', 'otherAdminKey'] as const;
type Foreign = (typeof FOREIGN)[number];
/** Whose column of the table a foreign principal's role answers to. */
const HOME_ROLE: Record<Foreign, Principal> = {
  otherAgent: 'agent',
  otherSupervisor: 'supervisor',
  otherAdmin: 'admin',
  otherAdminKey: 'adminKey',
};
const EMAIL: Partial<Record<Principal | Foreign, string>> = {
  agent: 'agent1@demo.test',
  peer: 'agent2@demo.test',
  supervisor: 'supervisor@demo.test',
  admin: 'admin@demo.test',
  otherAgent: 'agent1@other.test',
  otherSupervisor: 'supervisor@other.test',
  otherAdmin: 'admin@other.test',
};

let server: ApiServer;
let http: Http;
let ops: RouteOp[];
let f: Fixtures;
let kit: RequestKit;
const creds = {} as Record<Principal | Foreign, Credential | undefined>;

function ok<T = any>(res: Res<T>, what: string): T {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res.body;
}

async function mintKey(as: Session, org: string, role: string): Promise<{ id: string; key: string }> {
  return ok(await http.post(`/api/v1/organizations/${org}/api-keys`, { name: `roles ${role} key`, role }, as), 'mint key');
}

beforeAll(async () => {
  const high = '10000000';
  server = await startApiServer({ env: { RATE_LIMIT_PER_MINUTE: high, RATE_LIMIT_PER_HOUR: high, RATE_LIMIT_PER_DAY: high } });
  http = new Http(server.url);
  ops = routesOf(await fetchOpenApi(server.url));
  const users = (['agent', 'peer', 'supervisor', 'admin', 'otherAgent', 'otherSupervisor', 'otherAdmin'] as const).map(
    async (p) => [p, await http.login(EMAIL[p]!)] as const,
  );
  const sessions = Object.fromEntries(await Promise.all(users)) as Record<string, Session>;
  Object.assign(creds, sessions);
  const { agent, supervisor, admin, otherAdmin } = sessions as Record<'agent' | 'supervisor' | 'admin' | 'otherAdmin', Session>;
  const org = server.orgs.demo;
  const base = `/api/v1/organizations/${org}`;
  creds.agentKey = { apiKey: (await mintKey(admin, org, 'agent')).key };
  creds.adminKey = { apiKey: (await mintKey(admin, org, 'admin')).key };
  creds.otherAdminKey = { apiKey: (await mintKey(otherAdmin, server.orgs.other, 'admin')).key };
  creds.none = undefined;

  // Each fixture is the agent's: assigned to, logged by, or about the agent (see role-matrix.ts).
  const post = async (path: string, body: unknown, as: Session) => ok(await http.post(path, body, as), `POST ${path}`).id as string;
  const newTask = () => post(`${base}/tasks`, { title: `${MARK} assigned task`, assignee_id: agent.user.id, priority: 'normal' }, supervisor);
  const newWebhook = () => post(`${base}/webhooks`, { url: SAFE_URL, events: ['compliance.violated'] }, admin);
  const call = await post(`${base}/calls`, { direction: 'inbound', phone_number: '+447700900321', notes: MARK }, agent);
  const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
  f = {
    org,
    agentId: agent.user.id,
    supervisorId: supervisor.user.id,
    call,
    task: await newTask(),
    patient: await post(`${base}/patients`, { first_name: 'Fixture', last_name: MARK, phone_number: '+447700900999' }, admin),
    schedule: await post('/v1/oncall/schedules', { staffId: agent.user.id, type: 'regular', startTime: inHours(-200), endTime: inHours(-192) }, supervisor),
    recording: await post('/v1/oncall/recordings', { callId: call, url: 'https://127.0.0.1:9/r.mp3', duration: 30 }, agent),
    compliance: await post('/v1/oncall/compliance', { callId: call, region: 'england', regulatoryBody: 'CQC', checkType: MARK }, supervisor),
    webhook: await newWebhook(),
  };
  kit = {
    f,
    freshTask: newTask,
    freshWebhook: newWebhook,
    freshApiKey: async () => (await mintKey(admin, org, 'agent')).id,
    freshRefreshToken: async () => (await http.login('agent1@demo.test')).refreshToken,
  };
});
afterAll(() => stopAndClean(server));

interface Sent {
  request: string;
  status: number;
  text: string;
  body: unknown;
}

/** One row's request as `who`: real ids, a valid body, the principal's credential. */
async function send(row: string, who: Principal | Foreign, extraQuery: Record<string, string> = {}): Promise<Sent> {
  const [method, path] = operationOf(row).split(' ') as [string, string];
  const recipe = REQUESTS[row] ?? {};
  const url = fillPath(path, { ...defaultIds(path, f), ...(await recipe.ids?.(kit)) });
  const query = new URLSearchParams({ ...recipe.query?.(kit), ...extraQuery }).toString();
  const body = recipe.body ? await recipe.body(kit) : undefined;
  let as = creds[who];
  if (recipe.spendsSession && as?.token) as = await http.login(EMAIL[who]!);
  const headers: Record<string, string> = {};
  if (as?.token) headers.authorization = `Bearer ${as.token}`;
  if (as?.apiKey) headers['x-api-key'] = as.apiKey;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const target = query ? `${url}?${query}` : url;
  const res = await fetch(server.url + target, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  // The sync event stream never ends: its status and headers are the answer.
  const streaming = res.headers.get('content-type')?.includes('text/event-stream');
  const text = streaming ? (await res.body?.cancel(), '') : await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { request: `${who}: ${method} ${target}${body === undefined ? '' : ` ${JSON.stringify(body)}`}`, status: res.status, text, body: parsed };
}

/** What is wrong with an answer: its status, or an error outside seed 003's format. */
function problemsOf(sent: Sent, expected: number): string[] {
  const out: string[] = [];
  if (sent.status !== expected) out.push(`${sent.request} -> expected ${expected}, got ${sent.status} ${sent.text.slice(0, 200)}`);
  else if (sent.status >= 400 && !ErrorBody.safeParse(sent.body).success) out.push(`${sent.request} -> ${sent.status} not in the error format: ${sent.text.slice(0, 200)}`);
  return out;
}

const rows = Object.keys(EXPECTED);
// `GET /x/{id}` with its list `GET /x`: a list must not carry what the item route refuses, nor hide what it allows.
const pairs = rows
  .filter((r) => r.startsWith('GET ') && r.endsWith('}'))
  .map((item) => [item, item.replace(/\/\{\w+\}$/, '')] as const)
  .filter(([, list]) => EXPECTED[list]);
const isPublic = (row: string) => ops.find((o) => describeOp(o) === operationOf(row))?.isPublic ?? false;

describe('the permission table', () => {
  it('has a row for every operation the API documents, and none for an operation that is gone', () => {
    const documented = ops.map(describeOp).sort();
    const tabled = [...new Set(rows.map(operationOf))].sort();
    expect(documented.filter((op) => !tabled.includes(op)), 'documented operations without a permission decision').toEqual([]);
    expect(tabled.filter((op) => !documented.includes(op)), 'rows for operations /docs/json no longer lists').toEqual([]);
    expect(Object.keys(REQUESTS).filter((r) => !rows.includes(r)), 'request recipes without a row').toEqual([]);
    expect(pairs.length, 'item routes paired with their lists').toBeGreaterThanOrEqual(7);
  });

  it('needs a credential for everything but signing in', () => {
    for (const row of rows) expect(EXPECTED[row]![PRINCIPALS.indexOf('none')] === 401, row).toBe(!isPublic(row));
  });
});

describe('each principal of the organization gets the answer the table gives', () => {
  for (const row of rows) {
    it(row, async () => {
      const problems: string[] = [];
      for (const [i, who] of PRINCIPALS.entries()) problems.push(...problemsOf(await send(row, who), EXPECTED[row]![i]!));
      expect(problems).toEqual([]);
    });
  }
});

describe('lists show a principal exactly the records it may open', () => {
  it.each(pairs)('%s agrees with %s', async (item, list) => {
    const path = operationOf(item).split(' ')[1]!;
    const target = Object.values(defaultIds(path, f)).at(-1)!;
    const problems: string[] = [];
    for (const [i, who] of PRINCIPALS.entries()) {
      const [canOpen, canList] = [EXPECTED[item]![i], EXPECTED[list]![i]];
      if (canList !== 200 || (canOpen !== 200 && canOpen !== 404)) continue;
      const sent = await send(list, who, { limit: '200' });
      const ids = ((sent.body as { items?: { id: string }[] })?.items ?? []).map((x) => x.id);
      if (sent.status !== 200) problems.push(`${sent.request} -> ${sent.status}`);
      else if (ids.includes(target) !== (canOpen === 200)) problems.push(`${sent.request} ${canOpen === 200 ? 'misses' : 'lists'} ${target}`);
    }
    expect(problems).toEqual([]);
  });
});

describe("another organization's principals", () => {
  let demoIds: Set<string>;
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const DEMO_TEXT = [MARK, '@demo.test', 'Demo Health Call Centre'];

  /** Every demo-organization id or name in an answer given to another organization. */
  const leaksIn = (text: string) => [...DEMO_TEXT, ...demoIds].filter((s) => text.includes(s));

  beforeAll(async () => {
    // Everything the demo admin can list, after the table above has added its records.
    const admin = creds.admin!;
    const base = `/api/v1/organizations/${f.org}`;
    const lists = ['users', 'patients', 'tasks', 'webhooks', 'api-keys', 'audit'].map((r) => `${base}/${r}?limit=200`);
    lists.push(...['calls', 'schedules', 'recordings', 'compliance'].map((r) => `/v1/oncall/${r}?limit=200`));
    demoIds = new Set(Object.values(f));
    for (const url of lists) {
      const res = await http.get(url, admin);
      ok(res, url);
      for (const [id] of res.text.matchAll(UUID)) demoIds.add(id);
    }
  });

  it('the leak check finds demo data where it belongs (so it can fail)', async () => {
    const own = await send('GET /api/v1/organizations/{org_id}/patients/{patient_id}', 'admin');
    expect(leaksIn(own.text)).toEqual(expect.arrayContaining([MARK, f.patient, f.org]));
    expect(demoIds.size).toBeGreaterThan(40);
  });

  for (const row of rows) {
    it(row, async () => {
      if (isPublic(row)) return; // sign-in and refresh carry no organization or record
      const [, path] = operationOf(row).split(' ') as [string, string];
      const names = path.includes('{');
      const problems: string[] = [];
      for (const who of FOREIGN) {
        const sent = await send(row, who);
        const leaks = leaksIn(sent.text);
        if (leaks.length) problems.push(`${sent.request} -> ${sent.status} carries demo data ${leaks.join(', ')}`);
        if (!names) {
          // No id or organization in the path (its own lists, /users/me): only what it may hold, and
          // a body naming a demo record (a recording's callId, a shift's staffId) is refused.
          const namesDemo = [...demoIds].some((id) => sent.request.includes(id));
          if (sent.status >= 500 || (namesDemo && sent.status < 400)) problems.push(`${sent.request} -> ${sent.status}`);
          continue;
        }
        // A path naming the demo organization is 404 whatever the role. The /v1/oncall facade takes
        // the organization from the credential, so a role refused the operation outright is refused
        // first: the same 403 for any id, which tells nothing about the record.
        const home = EXPECTED[row]![PRINCIPALS.indexOf(HOME_ROLE[who])];
        const expected = !path.includes('{org_id}') && home === 403 ? 403 : 404;
        problems.push(...problemsOf(sent, expected));
      }
      expect(problems).toEqual([]);
    });
  }
});
