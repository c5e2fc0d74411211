/**
 * Seed 003's Node.js example, run as the seed writes it, against a real API process: an API key
 * alone (the organization comes from the credential), `environment: 'production'` redirected to
 * the test API by ONCALL_BASE_URL (docs/sdk.md), seed 003's calls and schedules. The only edits
 * are the seed's placeholders (`your_api_key`, `schedule_123`), replaced by a real key and id,
 * and `require('@writecarenotes/oncall')` answered with the SDK's source (src-shared/sdk).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sdk from '../../src-shared/sdk';
import { startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http } from '../support/http';

/** Copied verbatim from seed 003, "SDK Examples" > "Node.js". */
const SEED_NODE_EXAMPLE = `const { OnCallClient } = require('@writecarenotes/oncall');

const client = new OnCallClient({
  apiKey: 'your_api_key',
  environment: 'production'
});

// Create a call
const call = await client.calls.create({
  phoneNumber: '+447700900000',
  region: 'england',
  priority: 'normal'
});

// Update a schedule
const schedule = await client.schedules.update('schedule_123', {
  status: 'completed'
});`;

let server: ApiServer;
let apiKey: string;
let scheduleId: string;
const savedBaseUrl = process.env.ONCALL_BASE_URL;

beforeAll(async () => {
  server = await startApiServer();
  const http = new Http(server.url);
  const admin = await http.login('admin@demo.test');
  const org = server.orgs.demo;
  const key = await http.post(`/api/v1/organizations/${org}/api-keys`, { name: 'seed example', role: 'supervisor' }, admin);
  expect(key.status).toBe(201);
  apiKey = key.body.key;
  const agent = (await http.get(`/api/v1/organizations/${org}/users?role=agent`, admin)).body.items[0];
  const shift = await http.post(
    '/v1/oncall/schedules',
    { staffId: agent.id, type: 'regular', startTime: '2024-03-21T09:00:00Z', endTime: '2024-03-21T17:00:00Z' },
    admin,
  );
  expect(shift.status).toBe(201);
  scheduleId = shift.body.id;
  process.env.ONCALL_BASE_URL = server.url;
});
afterAll(async () => {
  if (savedBaseUrl === undefined) delete process.env.ONCALL_BASE_URL;
  else process.env.ONCALL_BASE_URL = savedBaseUrl;
  await stopAndClean(server);
});

describe("seed 003's Node.js example", () => {
  it('creates a call and completes a schedule with an API key alone', async () => {
    expect(typeof apiKey).toBe('string');
    const code = SEED_NODE_EXAMPLE.replace('your_api_key', apiKey).replace('schedule_123', scheduleId);
    const require = (name: string) => {
      if (name !== '@writecarenotes/oncall') throw new Error(`unexpected require(${name})`);
      return sdk;
    };
    type Result = { call: Record<string, unknown>; schedule: Record<string, unknown> };
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
      ...args: string[]
    ) => (req: typeof require) => Promise<Result>;
    const run = new AsyncFunction('require', `${code}\nreturn { call, schedule };`);
    const { call, schedule } = await run(require);
    expect(call).toMatchObject({ phoneNumber: '+447700900000', region: 'england', priority: 'normal', status: 'pending' });
    expect(schedule).toMatchObject({ id: scheduleId, status: 'completed' });
  });
});
