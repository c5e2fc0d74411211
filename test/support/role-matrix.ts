/**
 * Who may call what: the permission decision for every operation of GET /docs/json, as the status
 * each principal gets (docs/auth.md's role table, docs/task-status.md, docs/oncall-api.md,
 * docs/webhooks.md). test/api/roles.test.ts sends every cell as a real request and fails when
 * the API documents an operation this table has no row for, so no route ships without a decision.
 *
 * Targets are records of the demo organization that `agent` owns or is assigned; `peer` is another
 * agent of the same organization, so 404 in its column means "exists, but not yours to see".
 */
import { randomUUID } from 'node:crypto';
import { PASSWORD } from './api-server';
import { SAFE_URL } from './openapi-routes';

export const PRINCIPALS = ['agent', 'peer', 'supervisor', 'admin', 'agentKey', 'adminKey', 'none'] as const;
export type Principal = (typeof PRINCIPALS)[number];
type Outcomes = readonly [agent: number, peer: number, supervisor: number, admin: number, agentKey: number, adminKey: number, none: number];

const ORG = '/api/v1/organizations/{org_id}';

/**
 * Operations are `METHOD /openapi/template`; `#...` marks an extra row for a field-level rule of
 * the same operation. Success codes are exact; 404 = the actor may not see the target.
 */
// prettier-ignore
export const EXPECTED: Record<string, Outcomes> = {
  //                                                         agent peer  sup   admin aKey  adKey none
  'POST /api/v1/auth/login':                                [200,  200,  200,  200,  200,  200,  200],
  'POST /api/v1/auth/refresh':                              [200,  200,  200,  200,  200,  200,  200],
  // An API key has no session to end: the route needs the Bearer token it revokes.
  'POST /api/v1/auth/logout':                               [204,  204,  204,  204,  400,  400,  401],
  // Every credential may ask who it is: that is how an API key learns its organization.
  'GET /api/v1/auth/whoami':                                [200,  200,  200,  200,  200,  200,  401],
  'GET /api/v1/users/me':                                   [200,  200,  200,  200,  403,  403,  401],
  'GET /api/v1/users/me/tasks':                             [200,  200,  200,  200,  403,  403,  401],
  [`GET ${ORG}/users`]:                                     [200,  200,  200,  200,  200,  200,  401],
  // Minting and revoking keys needs a signed-in admin: a leaked key cannot make its successors.
  [`POST ${ORG}/api-keys`]:                                 [403,  403,  403,  201,  403,  403,  401],
  [`GET ${ORG}/api-keys`]:                                  [403,  403,  403,  200,  403,  200,  401],
  [`DELETE ${ORG}/api-keys/{key_id}`]:                      [403,  403,  403,  200,  403,  403,  401],
  [`GET ${ORG}/audit`]:                                     [403,  403,  200,  200,  403,  200,  401],
  // Webhooks too: a leaked admin key cannot set up a feed of patient data that outlives it.
  [`POST ${ORG}/webhooks`]:                                 [403,  403,  403,  201,  403,  403,  401],
  [`GET ${ORG}/webhooks`]:                                  [403,  403,  403,  200,  403,  200,  401],
  [`DELETE ${ORG}/webhooks/{webhook_id}`]:                  [403,  403,  403,  200,  403,  403,  401],
  [`POST ${ORG}/webhooks/{webhook_id}/enable`]:             [403,  403,  403,  200,  403,  403,  401],
  [`GET ${ORG}/webhooks/{webhook_id}/deliveries`]:          [403,  403,  403,  200,  403,  200,  401],
  [`GET ${ORG}/dispositions`]:                              [200,  200,  200,  200,  200,  200,  401],
  [`POST ${ORG}/dispositions`]:                             [403,  403,  403,  201,  403,  201,  401],
  [`GET ${ORG}/settings`]:                                  [200,  200,  200,  200,  200,  200,  401],
  // Agent states: agents read their own (an agent-role key is nobody: 403); admins set the reasons.
  [`GET ${ORG}/agent-states`]:                              [200,  200,  200,  200,  403,  200,  401],
  [`GET ${ORG}/agent-state-events`]:                        [200,  200,  200,  200,  403,  200,  401],
  [`GET ${ORG}/agent-state-settings`]:                      [200,  200,  200,  200,  200,  200,  401],
  [`PUT ${ORG}/agent-state-settings`]:                      [403,  403,  403,  200,  403,  200,  401],
  // Calls: agents their own; an agent-role key owns only calls logged without an agent.
  [`GET ${ORG}/calls`]:                                     [200,  200,  200,  200,  200,  200,  401],
  [`POST ${ORG}/calls`]:                                    [201,  201,  201,  201,  201,  201,  401],
  [`GET ${ORG}/calls/{call_id}`]:                           [200,  404,  200,  200,  404,  200,  401],
  [`PATCH ${ORG}/calls/{call_id}`]:                         [200,  404,  200,  200,  404,  200,  401],
  // Tasks: agents see what is assigned to or created by them, and create only for themselves.
  [`GET ${ORG}/tasks`]:                                     [200,  200,  200,  200,  200,  200,  401],
  [`POST ${ORG}/tasks`]:                                    [201,  201,  201,  201,  201,  201,  401],
  [`POST ${ORG}/tasks #for another user`]:                  [403,  403,  201,  201,  403,  201,  401],
  [`GET ${ORG}/tasks/{task_id}`]:                           [200,  404,  200,  200,  404,  200,  401],
  [`PATCH ${ORG}/tasks/{task_id}`]:                         [200,  404,  200,  200,  404,  200,  401],
  [`PATCH ${ORG}/tasks/{task_id} #reprioritise`]:           [403,  404,  200,  200,  404,  200,  401],
  [`PATCH ${ORG}/tasks/{task_id} #reassign`]:               [403,  404,  200,  200,  404,  200,  401],
  [`DELETE ${ORG}/tasks/{task_id}`]:                        [200,  404,  200,  200,  404,  200,  401],
  [`GET ${ORG}/patients`]:                                  [200,  200,  200,  200,  200,  200,  401],
  [`POST ${ORG}/patients`]:                                 [201,  201,  201,  201,  201,  201,  401],
  [`GET ${ORG}/patients/{patient_id}`]:                     [200,  200,  200,  200,  200,  200,  401],
  [`PATCH ${ORG}/patients/{patient_id}`]:                   [200,  200,  200,  200,  200,  200,  401],
  // Sync is the desktop client's: a signed-in user's, never a key's.
  [`POST ${ORG}/sync/push`]:                                [200,  200,  200,  200,  403,  403,  401],
  [`GET ${ORG}/sync/pull`]:                                 [200,  200,  200,  200,  403,  403,  401],
  [`GET ${ORG}/sync/events`]:                               [200,  200,  200,  200,  403,  403,  401],
  'GET /v1/oncall/calls':                                   [200,  200,  200,  200,  200,  200,  401],
  'POST /v1/oncall/calls':                                  [201,  201,  201,  201,  201,  201,  401],
  'GET /v1/oncall/calls/{id}':                              [200,  404,  200,  200,  404,  200,  401],
  'PATCH /v1/oncall/calls/{id}':                            [200,  404,  200,  200,  404,  200,  401],
  // Schedules: everyone reads the organization's rota (who is on call); supervisors and admins plan.
  'GET /v1/oncall/schedules':                               [200,  200,  200,  200,  200,  200,  401],
  'POST /v1/oncall/schedules':                              [403,  403,  201,  201,  403,  201,  401],
  'GET /v1/oncall/schedules/{id}':                          [200,  200,  200,  200,  200,  200,  401],
  'PATCH /v1/oncall/schedules/{id}':                        [403,  403,  200,  200,  403,  200,  401],
  // Recordings follow their call; one for a call the actor cannot see is a bad callId (422).
  'GET /v1/oncall/recordings':                              [200,  200,  200,  200,  200,  200,  401],
  'POST /v1/oncall/recordings':                             [201,  422,  201,  201,  422,  201,  401],
  'GET /v1/oncall/recordings/{id}':                         [200,  404,  200,  200,  404,  200,  401],
  'PATCH /v1/oncall/recordings/{id}':                       [200,  404,  200,  200,  404,  200,  401],
  'GET /v1/oncall/compliance':                              [403,  403,  200,  200,  403,  200,  401],
  'POST /v1/oncall/compliance':                             [403,  403,  201,  201,  403,  201,  401],
  'GET /v1/oncall/compliance/{id}':                         [403,  403,  200,  200,  403,  200,  401],
  'PATCH /v1/oncall/compliance/{id}':                       [403,  403,  200,  200,  403,  200,  401],
};

/** A marker in the demo records this suite writes: it must never reach another organization. */
export const MARK = 'Qx7demoonly';

/** Demo-organization records made before the run; `agent` owns or is assigned each. */
export interface Fixtures {
  org: string;
  agentId: string;
  supervisorId: string;
  call: string;
  task: string;
  patient: string;
  schedule: string;
  recording: string;
  compliance: string;
  webhook: string;
}

/** What a request may draw on: the fixtures, and fresh targets for requests that use theirs up. */
export interface RequestKit {
  f: Fixtures;
  /** a new task assigned to `agent`, priority normal */
  freshTask(): Promise<string>;
  freshWebhook(): Promise<string>;
  /** the id of a new agent-role key */
  freshApiKey(): Promise<string>;
  /** from a new sign-in of agent1@demo.test */
  freshRefreshToken(): Promise<string>;
}

export interface Recipe {
  /** path values beyond the defaults of `defaultIds` */
  ids?: (k: RequestKit) => Promise<Record<string, string>>;
  query?: (k: RequestKit) => Record<string, string>;
  body?: (k: RequestKit) => unknown;
  /** the request ends the session it is sent with: signed-in principals send it with a fresh one */
  spendsSession?: boolean;
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}_${++counter}`;
const hour = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
let shiftSlot = 0;

/** Valid requests for the operations that need more than path values (bodies, required queries). */
export const REQUESTS: Record<string, Recipe> = {
  'POST /api/v1/auth/login': { body: () => ({ email: 'agent1@demo.test', password: PASSWORD }) },
  'POST /api/v1/auth/refresh': { body: async (k) => ({ refresh_token: await k.freshRefreshToken() }) },
  'POST /api/v1/auth/logout': { spendsSession: true },
  [`POST ${ORG}/api-keys`]: { body: () => ({ name: `roles ${unique()}`, role: 'agent' }) },
  [`DELETE ${ORG}/api-keys/{key_id}`]: { ids: async (k) => ({ key_id: await k.freshApiKey() }) },
  [`POST ${ORG}/webhooks`]: { body: () => ({ url: SAFE_URL, events: ['compliance.violated'] }) },
  [`DELETE ${ORG}/webhooks/{webhook_id}`]: { ids: async (k) => ({ webhook_id: await k.freshWebhook() }) },
  [`POST ${ORG}/dispositions`]: { body: () => ({ code: `roles_${unique()}`, label: 'Roles test' }) },
  [`PUT ${ORG}/agent-state-settings`]: { body: () => ({ not_ready_reasons: ['Break', 'Lunch', 'Training', 'Meeting'], acw_limit_seconds: 120 }) },
  [`GET ${ORG}/calls`]: { query: () => ({ from: hour(-24), limit: '200' }) },
  [`POST ${ORG}/calls`]: { body: () => ({ direction: 'inbound', phone_number: '+447700900123' }) },
  [`PATCH ${ORG}/calls/{call_id}`]: { body: () => ({ notes: `${MARK} v1 note` }) },
  [`POST ${ORG}/tasks`]: { body: () => ({ title: `${MARK} own task` }) },
  [`POST ${ORG}/tasks #for another user`]: { body: (k) => ({ title: `${MARK} for the supervisor`, assignee_id: k.f.supervisorId }) },
  [`PATCH ${ORG}/tasks/{task_id}`]: { body: () => ({ description: `${MARK} edited` }) },
  [`PATCH ${ORG}/tasks/{task_id} #reprioritise`]: {
    ids: async (k) => ({ task_id: await k.freshTask() }),
    body: () => ({ priority: 'urgent' }),
  },
  [`PATCH ${ORG}/tasks/{task_id} #reassign`]: {
    ids: async (k) => ({ task_id: await k.freshTask() }),
    body: (k) => ({ assignee_id: k.f.supervisorId }),
  },
  [`DELETE ${ORG}/tasks/{task_id}`]: { ids: async (k) => ({ task_id: await k.freshTask() }) },
  [`POST ${ORG}/patients`]: { body: () => ({ first_name: 'Roles', last_name: MARK, phone_number: '+447700900777' }) },
  [`PATCH ${ORG}/patients/{patient_id}`]: { body: () => ({ notes: `${MARK} patient note` }) },
  // Each request its own client id: a client id is bound to the first user who syncs with it.
  [`POST ${ORG}/sync/push`]: { body: () => ({ client_id: randomUUID(), schema_version: 1, mutations: [] }) },
  [`GET ${ORG}/sync/pull`]: { query: () => ({ client_id: randomUUID() }) },
  'POST /v1/oncall/calls': { body: () => ({ phoneNumber: '+447700900124', region: 'england' }) },
  'PATCH /v1/oncall/calls/{id}': { body: () => ({ notes: `${MARK} oncall note` }) },
  'POST /v1/oncall/schedules': {
    // one person never holds two shifts at once (409): each allowed call gets a slot of its own
    body: (k) => {
      const from = 48 + 5 * shiftSlot++;
      return { staffId: k.f.agentId, type: 'cover', startTime: hour(from), endTime: hour(from + 4) };
    },
  },
  'PATCH /v1/oncall/schedules/{id}': { body: () => ({ metadata: { note: MARK } }) },
  'POST /v1/oncall/recordings': {
    body: (k) => ({ callId: k.f.call, url: 'https://127.0.0.1:9/recordings/1.mp3', duration: 42 }),
  },
  'PATCH /v1/oncall/recordings/{id}': { body: () => ({ metadata: { note: MARK } }) },
  'POST /v1/oncall/compliance': {
    body: (k) => ({ callId: k.f.call, region: 'england', regulatoryBody: 'CQC', checkType: 'recording_retention' }),
  },
  'PATCH /v1/oncall/compliance/{id}': { body: () => ({ metadata: { note: MARK } }) },
};

const ONCALL_ID: Record<string, keyof Fixtures> = {
  calls: 'call',
  schedules: 'schedule',
  recordings: 'recording',
  compliance: 'compliance',
};
const BY_PARAM: Record<string, keyof Fixtures> = {
  org_id: 'org',
  call_id: 'call',
  task_id: 'task',
  patient_id: 'patient',
  webhook_id: 'webhook',
};

/** The fixture each path parameter names unless a recipe says otherwise. */
export function defaultIds(path: string, f: Fixtures): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
    const oncall = /^\/v1\/oncall\/(\w+)\/\{id\}/.exec(path);
    const fixture = name === 'id' && oncall ? ONCALL_ID[oncall[1]!] : BY_PARAM[name!];
    if (fixture) ids[name!] = f[fixture];
  }
  return ids;
}

/** `GET /x/{y}` for `GET /x/{y} #note`: the documented operation a row is about. */
export const operationOf = (row: string) => row.split(' #')[0]!;
