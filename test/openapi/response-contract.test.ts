/**
 * The check that holds every answer of the test suite to the OpenAPI document
 * (OPENAPI_RESPONSE_CHECK=1, set by test/support/api-server.ts for every API process) really
 * catches an undeclared status and a body that does not match its schema. The API is built in
 * this process here only because the rogue routes must be added before it starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src-server/app';
import { loadConfig } from '../../src-server/config';
import { openDatabase, type Db } from '../../src-server/db/connection';

let app: FastifyInstance;
let db: Db;

beforeAll(async () => {
  db = await openDatabase(':memory:');
  ({ app } = await buildApp({ db, config: loadConfig({ OPENAPI_RESPONSE_CHECK: '1', DEMO_SEED: '0' }), logger: false }));
  const Thing = z.object({ id: z.string() });
  // Public and under the API prefix, like any route; each breaks the document in one way.
  const config = { public: true };
  app.get('/api/v1/rogue/status', { config, schema: { summary: 'rogue', response: { 200: Thing } } }, async (_req, reply) => reply.status(202 as never).send({ id: 'x' } as never));
  app.get('/api/v1/rogue/fine', { config, schema: { summary: 'fine', response: { 200: Thing } } }, async () => ({ id: 'x' }));
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await db?.destroy();
});

describe('OPENAPI_RESPONSE_CHECK', () => {
  it('replaces an answer with an undeclared status by 500 CONTRACT_VIOLATION', async () => {
    const res = await app.inject({ url: '/api/v1/rogue/status' });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toMatchObject({ code: 'CONTRACT_VIOLATION', details: { status: 202 } });
    expect(res.json().error.message).toContain('answered 202, which the document does not declare');
  });

  it('passes answers the document declares, errors included', async () => {
    expect((await app.inject({ url: '/api/v1/rogue/fine' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/rogue/fine?x=1' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/v1/oncall/calls' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'PUT', url: '/v1/oncall/calls' })).statusCode).toBe(405);
    expect((await app.inject({ url: '/api/v1/nowhere' })).statusCode).toBe(404);
  });

  it('catches a body that does not match its declared schema', async () => {
    // The server's own serializer already refuses a body its zod schema rejects, so the
    // document's side of the check is exercised directly on a real operation.
    const { ResponseContract } = await import('../../src-server/openapi/response-check');
    const contract = new ResponseContract(app.swagger() as Record<string, unknown>);
    const problem = contract.check('GET', '/v1/oncall/calls/:id', 200, 'application/json', JSON.stringify({ id: 'not-a-call' }));
    expect(problem).toMatch(/does not match the document/);
    const error = contract.check('GET', '/v1/oncall/calls/:id', 404, 'application/json', JSON.stringify({ error: { code: 'NOT_FOUND', message: 'x' } }));
    expect(error).toMatch(/must have required property 'details'/);
  });
});
