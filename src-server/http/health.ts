/**
 * For load balancers: `GET /health` says the process is alive; `GET /ready` says it should be
 * sent traffic (the database answers, every migration this build knows has run, and the
 * instance is not draining for a shutdown). Neither needs a credential; /ready is not rate limited.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { migrationsDone } from '../db/connection';
import type { ServerContext } from '../domain/server-context';

export interface Lifecycle {
  /** set on SIGTERM: /ready answers 503 so the balancer stops sending new requests */
  draining: boolean;
}

export function registerHealth(app: FastifyInstance, ctx: ServerContext, lifecycle: Lifecycle): void {
  let migrated = false;
  const hidden = { config: { public: true }, schema: { hide: true } };

  app.get('/health', hidden, async () => ({ status: 'ok' }));

  // Not rate limited (auth.ts, `probe`): a balancer asks every second or so, forever, from one
  // address; counted, it would use up that address's hourly budget and take every instance out.
  app.get('/ready', { ...hidden, config: { ...hidden.config, probe: true } }, async (_request, reply) => {
    const checks = { database: false, migrations: migrated, draining: lifecycle.draining };
    try {
      await sql`SELECT 1`.execute(ctx.db);
      checks.database = true;
      if (!migrated) migrated = checks.migrations = await migrationsDone(ctx.db);
    } catch {
      // unreachable or busy: reported below
    }
    const ready = checks.database && checks.migrations && !checks.draining;
    if (!ready) reply.header('Retry-After', 1).status(503);
    return { status: ready ? 'ready' : 'not_ready', checks };
  });
}
