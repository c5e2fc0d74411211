/**
 * Builds the central API: one Fastify instance, one plugin per concern, both facades over the
 * same services. `buildApp` is what tests, the benchmark and `main.ts` start.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import type { Config } from './config';
import type { Db } from './db/connection';
import { ChangeNotifier, type ServerContext } from './domain/server-context';
import { addressWindows, createRateLimiter, rateWindows, registerAuth } from './http/auth';
import { isPostgres } from './db/dialect';
import { poolOf } from './db/postgres';
import { PokeListener } from './sync/poke-bus';
import { SharedRateLimiter } from './http/shared-rate-limit';
import { registerHealth, type Lifecycle } from './http/health';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './http/error-handler';
import { registerStrictQueries } from './http/strict-query';
import { serializerCompiler } from './http/serializer';
import { registerNulGuard } from './http/nul-guard';
import { registerOpenApi } from './openapi/plugin';
import { registerResponseCheck } from './openapi/response-check';
import { registerRoutes } from './routes';

export interface AppOptions {
  db: Db;
  config: Config;
  now?: () => Date;
  logger?: boolean;
}

export interface App {
  app: FastifyInstance;
  ctx: ServerContext;
  lifecycle: Lifecycle;
  /** stops what the app started besides Fastify (the cross-instance listener); after app.close() */
  close(): Promise<void>;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const ctx: ServerContext = {
    db: options.db,
    config: options.config,
    now: options.now ?? (() => new Date()),
    notifier: new ChangeNotifier(),
  };
  const lifecycle: Lifecycle = { draining: false };
  const app = Fastify({
    logger: options.logger === false ? false : { level: options.config.LOG_LEVEL },
    bodyLimit: options.config.BODY_LIMIT_BYTES,
    // A client must finish sending its request in time (Fastify's default is never): one that
    // trickles bytes would otherwise hold a connection, and a graceful shutdown, for ever.
    // Node arms the check only when the server is constructed with it, and runs it every 30 s
    // unless told otherwise; Fastify then assigns `requestTimeout` again, hence both places.
    requestTimeout: options.config.REQUEST_TIMEOUT_MS,
    http: {
      requestTimeout: options.config.REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, options.config.REQUEST_TIMEOUT_MS / 4)),
    },
    // Always the server's own: a client-chosen id could make two audit entries share one. The
    // client's X-Request-Id is kept apart (audit `client_request_id`).
    genReqId: () => randomUUID(),
    // Behind load balancers: request.ip is the first address, walking X-Forwarded-For back from
    // the peer, that is not one of them. A client's own X-Forwarded-For is never believed.
    ...(options.config.TRUST_PROXY.length ? { trustProxy: options.config.TRUST_PROXY } : {}),
    routerOptions: { maxParamLength: 200 },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  // Every body is JSON: a text/plain body would otherwise reach validation as a string and be
  // answered 422 instead of 415.
  app.removeContentTypeParser('text/plain');

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // A plain (callback) hook: an async one would cost every answer a promise and a trip through
  // the microtask queue between the handler and the socket write.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-Id', request.id);
    done(null, payload);
  });

  registerErrorHandling(app);
  registerStrictQueries(app);
  registerNulGuard(app);
  await registerOpenApi(app);
  if (options.config.OPENAPI_RESPONSE_CHECK === '1') registerResponseCheck(app);
  // Several instances share one PostgreSQL: their counters must be shared too.
  const shared = isPostgres(options.db);
  const limiter = shared ? new SharedRateLimiter(options.db, rateWindows(options.config)) : createRateLimiter(options.config);
  const address = addressWindows(options.config);
  const addressLimits = shared
    ? {
        'sign-in': new SharedRateLimiter(options.db, address['sign-in'], Date.now, 'sign-in:'),
        refresh: new SharedRateLimiter(options.db, address.refresh, Date.now, 'refresh:'),
      }
    : undefined;
  registerAuth(app, ctx, limiter, addressLimits);
  registerHealth(app, ctx, lifecycle);
  await registerRoutes(app, ctx);
  // Several instances: changes committed through the others poke this one's streams.
  const pool = poolOf(options.db);
  const listener = pool ? new PokeListener(pool.options, ctx.notifier, app.log) : null;
  listener?.start();
  return { app, ctx, lifecycle, close: async () => listener?.stop() };
}
