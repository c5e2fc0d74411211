/**
 * The SDK as an integrator gets it: `npm run build:sdk` makes the tarball, `npm install` puts it
 * into an empty project (offline: the package has no dependencies), and seed 003's Node.js
 * example runs there against a real API process, loaded with Node's own `require`.
 *
 * The example is the seed's text; the only edits are its two placeholders, `your_api_key` and
 * `schedule_123`, replaced by a real key and a real schedule id (the API's ids are UUIDs).
 * `environment: 'production'` reaches the test API through ONCALL_BASE_URL (docs/sdk.md). The
 * seed writes top-level `await` beside `require`, which no Node module type allows, so the
 * runner evaluates the text as the body of an async function given Node's real `require`.
 *
 * The same installed package is then imported as ESM, and its type declarations are checked by
 * TypeScript (NodeNext, ESM and CommonJS consumers) with nothing else installed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http } from '../support/http';

const run = promisify(execFile);

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

const RUNNER = `import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const AsyncFunction = (async () => {}).constructor;
const source = readFileSync(new URL('./example.js', import.meta.url), 'utf8');
const result = await new AsyncFunction('require', source + '\\nreturn { call, schedule };')(require);
console.log(JSON.stringify(result));
`;

const ESM_CONSUMER = `import { OnCallClient, OnCallApiError, NotFoundError } from '@writecarenotes/oncall';
const client = new OnCallClient({ apiKey: process.env.KEY, baseUrl: process.env.API });
const page = await client.calls.list({ region: 'england', limit: 5 });
const missing = await client.schedules.get('00000000-0000-7000-8000-000000000000').catch((e) => e);
console.log(JSON.stringify({ count: page.items.length, typed: missing instanceof OnCallApiError && missing instanceof NotFoundError, status: missing.status, code: missing.code }));
`;

/** Real types, not `any`: a misspelt field and a wrong enum value must not compile. */
const TS_CONSUMER = `import { OnCallClient, type Call, type ComplianceListQuery } from '@writecarenotes/oncall';
const client = new OnCallClient({ apiKey: 'k', environment: 'production' });
export async function f(): Promise<string> {
  const call: Call = await client.calls.create({ phoneNumber: '+447700900000', region: 'england', priority: 'normal' });
  const query: ComplianceListQuery = { region: 'england', regulatoryBody: 'CQC', status: 'compliant' };
  for await (const record of client.compliance.iterate(query)) void record.regulatoryBody;
  // @ts-expect-error seed 003 spells it phoneNumber
  await client.calls.create({ phone_number: '+447700900000', region: 'england' });
  // @ts-expect-error not a region
  await client.calls.list({ region: 'france' });
  return call.status;
}
`;

let server: ApiServer;
let project: string;
let apiKey: string;
let scheduleId: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'oncall-sdk-consumer-'));
  const [built, started] = await Promise.all([
    run('npm', ['run', '--silent', 'build:sdk'], { cwd: ROOT, maxBuffer: 1 << 24 }),
    startApiServer(),
  ]);
  server = started;
  const tarball = built.stdout.trim().split('\n').pop()!;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'integrator', version: '1.0.0', private: true }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project });

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
}, 600_000);

afterAll(async () => {
  if (server) await stopAndClean(server);
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the published SDK package', () => {
  it("runs seed 003's Node.js example with an API key alone", async () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/@writecarenotes/oncall/package.json'), 'utf8'));
    expect(installed.dependencies ?? {}).toEqual({});
    writeFileSync(join(project, 'example.js'), SEED_NODE_EXAMPLE.replace('your_api_key', apiKey).replace('schedule_123', scheduleId));
    writeFileSync(join(project, 'run-example.mjs'), RUNNER);
    const { stdout } = await run(process.execPath, ['run-example.mjs'], { cwd: project, env: { ...process.env, ONCALL_BASE_URL: server.url } });
    const { call, schedule } = JSON.parse(stdout);
    expect(call).toMatchObject({ phoneNumber: '+447700900000', region: 'england', priority: 'normal', status: 'pending' });
    expect(call.organizationId).toBe(server.orgs.demo);
    expect(schedule).toMatchObject({ id: scheduleId, status: 'completed' });
  });

  it('imports as ESM and throws its typed errors', async () => {
    writeFileSync(join(project, 'esm.mjs'), ESM_CONSUMER);
    const { stdout } = await run(process.execPath, ['esm.mjs'], { cwd: project, env: { ...process.env, KEY: apiKey, API: server.url } });
    const seen = JSON.parse(stdout);
    expect(seen).toMatchObject({ typed: true, status: 404, code: 'NOT_FOUND' });
    expect(seen.count).toBeGreaterThan(0);
  });

  it('type-checks ESM and CommonJS consumers with its own declarations only', async () => {
    writeFileSync(join(project, 'consumer.mts'), TS_CONSUMER);
    writeFileSync(join(project, 'consumer.cts'), TS_CONSUMER);
    const options = { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023', 'dom'], types: [] };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['consumer.mts', 'consumer.cts'] }));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch((err: { stdout: string }) => err);
    expect(result.stdout).toBe('');
  });
});
