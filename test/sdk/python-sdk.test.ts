/**
 * The Python SDK (sdk/python) against a real API process: seed 003's Python example, run with
 * `python3` as the seed writes it, then the SDK's own unittest suite (sdk/python/tests), whose
 * live tests use this API (typed errors, the snake_case filters really filtering, pagination,
 * organization resources, a real signed webhook delivery) and whose transport tests run their
 * own local HTTP server answering 429/503 with Retry-After.
 *
 * The example's only edits are its placeholders (`your_api_key`, `call_123`), replaced by a
 * real key and call; `environment='production'` reaches this API through ONCALL_BASE_URL
 * (docs/sdk.md), as it does for the Node.js SDK.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';
import { Http } from '../support/http';

/** Copied verbatim from seed 003, "SDK Examples" > "Python". */
const SEED_PYTHON_EXAMPLE = `from writecarenotes.oncall import OnCallClient

client = OnCallClient(
    api_key='your_api_key',
    environment='production'
)

# Create a recording
recording = client.recordings.create(
    call_id='call_123',
    url='https://storage.example.com/recordings/1.mp3',
    duration=300
)

# List compliance records
compliance_records = client.compliance.list(
    region='england',
    regulatory_body='CQC',
    status='compliant'
)`;

/** Runs the example, then prints what it produced as JSON (the example itself prints nothing). */
const RUNNER = `import json, sys
namespace = {}
exec(compile(open(sys.argv[1]).read(), 'seed_003_example.py', 'exec'), namespace)
print(json.dumps({
    'recording': namespace['recording'],
    'call_id_attr': namespace['recording'].call_id,
    'compliance_records': [dict(r) for r in namespace['compliance_records']],
}))`;

const SDK_DIR = join(ROOT, 'sdk/python');
/** `python3` on PATH; ONCALL_TEST_PYTHON picks another interpreter (e.g. a 3.9 to prove the floor). */
const PYTHON = process.env.ONCALL_TEST_PYTHON || 'python3';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function python(args: string[], env: Record<string, string>, cwd = SDK_DIR): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, {
      cwd,
      env: {
        ...process.env,
        PYTHONPATH: SDK_DIR,
        PYTHONDONTWRITEBYTECODE: '1',
        // the API and the test servers are on loopback: never through a configured proxy
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: ApiServer;
let http: Http;
let org: string;
let supervisorKey: string;
let adminKey: string;
let callId: string;
let cqcId: string;
let otherRegulatorId: string;
let workDir: string;

beforeAll(async () => {
  server = await startApiServer({
    // the unittest suite's webhook receiver listens on 127.0.0.1
    env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: '1' },
  });
  http = new Http(server.url);
  org = server.orgs.demo;
  workDir = mkdtempSync(join(tmpdir(), 'oncall-py-'));
  const admin = await http.login('admin@demo.test');
  const keys = `/api/v1/organizations/${org}/api-keys`;
  const [sup, adm] = await Promise.all([
    http.post(keys, { name: 'python seed example', role: 'supervisor' }, admin),
    http.post(keys, { name: 'python sdk tests', role: 'admin' }, admin),
  ]);
  expect([sup.status, adm.status]).toEqual([201, 201]);
  supervisorKey = sup.body.key;
  adminKey = adm.body.key;
  const call = await http.post('/v1/oncall/calls', { phoneNumber: '+447700900000', region: 'england', priority: 'normal' }, admin);
  expect(call.status).toBe(201);
  callId = call.body.id;
  // What the example lists: one CQC record it must find, one of another regulator it must not.
  const check = (regulatoryBody: string) =>
    http.post(
      '/v1/oncall/compliance',
      { callId, region: 'england', regulatoryBody, checkType: 'recording_retention', status: 'compliant' },
      admin,
    );
  const [cqc, other] = await Promise.all([check('CQC'), check('Care Inspectorate')]);
  expect([cqc.status, other.status]).toEqual([201, 201]);
  cqcId = cqc.body.id;
  otherRegulatorId = other.body.id;
});

afterAll(async () => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  await stopAndClean(server);
});

describe('the Python SDK', () => {
  it("runs seed 003's Python example against the API with an API key alone", async () => {
    const code = SEED_PYTHON_EXAMPLE.replace("'your_api_key'", `'${supervisorKey}'`).replace("'call_123'", `'${callId}'`);
    // only the two placeholders differ from the seed's text
    expect(code.split('\n').filter((line, i) => line !== SEED_PYTHON_EXAMPLE.split('\n')[i])).toHaveLength(2);
    const example = join(workDir, 'example.py');
    const runner = join(workDir, 'runner.py');
    writeFileSync(example, code);
    writeFileSync(runner, RUNNER);
    const run = await python([runner, example], { ONCALL_BASE_URL: server.url }, workDir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      recording: Record<string, unknown>;
      call_id_attr: string;
      compliance_records: Record<string, unknown>[];
    };
    expect(out.recording).toMatchObject({
      callId,
      url: 'https://storage.example.com/recordings/1.mp3',
      duration: 300,
      status: 'pending',
      organizationId: org,
    });
    expect(out.call_id_attr).toBe(callId);
    // regulatory_body='CQC' reached the API as regulatoryBody: the other regulator's record is not listed
    const ids = out.compliance_records.map((r) => r.id);
    expect(ids).toContain(cqcId);
    expect(ids).not.toContain(otherRegulatorId);
    for (const r of out.compliance_records) expect(r).toMatchObject({ region: 'england', regulatoryBody: 'CQC', status: 'compliant' });

    // and the recording really exists on the server
    const stored = await http.get(`/v1/oncall/recordings/${String(out.recording.id)}`, { apiKey: supervisorKey });
    expect(stored.status).toBe(200);
    expect(stored.body.callId).toBe(callId);
  });

  it('passes its unittest suite (transport, webhooks, and live calls to this API)', async () => {
    const run = await python(['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
      ONCALL_TEST_BASE_URL: server.url,
      ONCALL_TEST_API_KEY: adminKey,
      ONCALL_TEST_ORG: org,
    });
    if (run.code !== 0) console.error(run.stderr);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\nOK\n?$/);
    expect(run.stderr).not.toMatch(/skipped/);
    // discovery found the suites (an empty discovery also ends in OK)
    expect(Number(/Ran (\d+) tests/.exec(run.stderr)?.[1])).toBeGreaterThanOrEqual(35);
    for (const suite of ['test_live_api', 'test_transport', 'test_models', 'test_static']) expect(run.stderr).toContain(`tests.${suite}.`);
  });
});
