/**
 * The OpenAPI document the API publishes at /docs/json (built from the zod schemas of
 * src-shared/schemas), taken from an API built in this process over an empty in-memory store:
 * no port, no demo data, nothing from the environment, so every run gives the same document.
 */
import { buildApp } from '../../src-server/app';
import { loadConfig } from '../../src-server/config';
import { openDatabase } from '../../src-server/db/connection';
import type { Json } from '../../src-server/openapi/document';

export async function publishedOpenApiDocument(): Promise<Json> {
  const db = await openDatabase(':memory:');
  const built = await buildApp({ db, config: loadConfig({ DEMO_SEED: '0' }), logger: false });
  try {
    const res = await built.app.inject({ url: '/docs/json' });
    if (res.statusCode !== 200) throw new Error(`GET /docs/json answered ${res.statusCode}`);
    return res.json() as Json;
  } finally {
    await built.app.close();
    await built.close();
    await db.destroy();
  }
}
