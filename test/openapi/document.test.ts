/**
 * The OpenAPI document at /docs/json is complete for every operation the API serves (checked
 * generically, so routes added later are held to the same bar), passes Redocly's recommended
 * ruleset with no error and no warning, and the console at /docs works with no internet: a real
 * Chromium renders it while every request outside the API is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { ROOT, startApiServer, stopAndClean, type ApiServer } from '../support/api-server';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

let server: ApiServer;
let doc: Json;
const operations = () =>
  Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, op: op as Json })),
  );
/** A response object, following a `$ref` to components.responses. */
const resolve = (r: Json): Json => (r.$ref ? doc.components.responses[String(r.$ref).split('/').pop()!] : r);

beforeAll(async () => {
  server = await startApiServer();
  doc = (await (await fetch(`${server.url}/docs/json`)).json()) as Json;
});
afterAll(() => stopAndClean(server));

describe('every operation', () => {
  it('has a unique operationId and a summary', () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(ids.filter((id) => typeof id !== 'string' || !/^[a-z][A-Za-z0-9]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations().filter((o) => !o.op.summary).map((o) => o.name)).toEqual([]);
  });

  it('declares its error responses with the shared Error schema', () => {
    for (const { name, op } of operations()) {
      const errors = Object.keys(op.responses).filter((s) => /^[45]/.test(s));
      expect(errors, name).toEqual(expect.arrayContaining(['400', '401', '429', '500', '503']));
      if (op.requestBody) expect(errors, name).toEqual(expect.arrayContaining(['413', '415', '422']));
      if ((op.parameters ?? []).some((p: Json) => p.in === 'path')) expect(errors, name).toContain('404');
      for (const status of errors) {
        expect(resolve(op.responses[status]).content['application/json'].schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
    expect(doc.components.schemas.Error.required).toEqual(['error']);
    expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message', 'details']);
  });

  it('declares the X-RateLimit-* headers on every response', () => {
    for (const { name, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Json)) {
        expect(Object.keys(resolve(response).headers ?? {}), `${name} ${status}`).toEqual(
          expect.arrayContaining(['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']),
        );
      }
    }
  });

  it('names its security: Bearer or X-API-Key unless it is sign-in or refresh', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    const open = operations().filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0);
    expect(open.map((o) => o.name).sort()).toEqual(['POST /api/v1/auth/login', 'POST /api/v1/auth/refresh']);
  });

  it('refers to body and response schemas by name', () => {
    for (const { name, op } of operations()) {
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) expect(body.$ref, `${name} request body`).toMatch(/^#\/components\/schemas\//);
      for (const [status, response] of Object.entries(op.responses as Json)) {
        const schema = resolve(response).content?.['application/json']?.schema;
        if (schema && /^2/.test(status)) expect(schema.$ref, `${name} ${status}`).toMatch(/^#\/components\/schemas\//);
      }
    }
  });
});

describe('the document', () => {
  it("names the seeds' types as components, with the seeds' examples", () => {
    const names = Object.keys(doc.components.schemas);
    const seed000 = ['CallCreate', 'CallUpdate', 'CallRead', 'TaskCreate', 'TaskUpdate', 'TaskRead'];
    const seed003 = ['Call', 'Schedule', 'Recording', 'Compliance', 'ScheduleCreate', 'RecordingCreate', 'ComplianceCreate', 'Error'];
    expect(names).toEqual(expect.arrayContaining([...seed000, ...seed003]));
    expect(doc.components.schemas.OnCallCallCreate.example).toEqual({
      phoneNumber: '+447700900000',
      region: 'england',
      priority: 'normal',
      metadata: { caller_name: 'John Doe', location: 'Ward A' },
    });
    expect(doc.components.schemas.ComplianceCreate.example.regulatoryBody).toBe('CQC');
  });

  it('sets servers, including the seed base URL', () => {
    expect(doc.servers.map((s: Json) => s.url)).toContain('https://api.writecarenotes.com');
  });

  it('documents POST /auth/logout as what it answers: 204 with no body', async () => {
    const responses = doc.paths['/api/v1/auth/logout'].post.responses;
    expect(Object.keys(responses)).toContain('204');
    expect(Object.keys(responses)).not.toContain('200');
    expect(responses['204'].content).toBeUndefined();
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent1@demo.test', password: 'demo-password' }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const out = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } });
    expect(out.status).toBe(204);
  });

  it("passes Redocly's recommended ruleset with zero errors and zero warnings", () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-redocly-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
      const run = spawnSync(join(ROOT, 'node_modules/.bin/redocly'), ['lint', 'openapi.json', '--extends=recommended', '--format=stylish'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        timeout: 120_000,
      });
      const output = `${run.stdout}\n${run.stderr}`;
      expect(run.status, output).toBe(0);
      expect(output, output).toContain('Your API description is valid');
      expect(output).not.toMatch(/\d+:\d+\s+(warning|error)\s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the console at /docs', () => {
  it('renders the operations in Chromium with every request outside the API refused', async () => {
    const browser = await launchChromium();
    const outside: string[] = [];
    try {
      const page = await browser.context.newPage();
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(server.url) || url.startsWith('data:')) return route.continue();
        outside.push(url);
        return route.abort();
      });
      const res = await page.goto(`${server.url}/docs`);
      expect(res?.status()).toBe(200);
      await page.getByText('/v1/oncall/calls/{id}').first().waitFor({ timeout: 120_000 });
      await page.getByText('OnCall Desk central API').first().waitFor();
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
