/** `npm run server`: the central API on HOST:PORT with its store at DATABASE_URL. */
import { buildApp } from './app';
import { loadConfig } from './config';
import { openFromConfig } from './db/open-from-config';
import { seedDemoIfEmpty } from './seed/demo';
import { startWebhookDispatcher } from './webhooks/dispatcher';

const config = loadConfig();
const startLog = {
  warn: (obj: object, msg: string) => process.stderr.write(`${JSON.stringify({ level: 40, time: Date.now(), ...obj, msg })}\n`),
};
const db = await openFromConfig(config, startLog);
if (config.DEMO_SEED === '1') await seedDemoIfEmpty(db, new Date(), config.PASSWORD_SCRYPT_N);
const { app, ctx, lifecycle, close } = await buildApp({ db, config });
// WEBHOOK_CONCURRENCY=0: an instance that only serves requests; others deliver.
const dispatcher = config.WEBHOOK_CONCURRENCY > 0 ? startWebhookDispatcher(ctx, app.log) : null;

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  // /ready now answers 503: a balancer stops sending new requests here.
  lifecycle.draining = true;
  // In-flight requests get a grace period; a connection that outlives it (a client that went
  // silent mid-request, a stream opened during shutdown) must not keep the process alive.
  const force = setTimeout(() => {
    app.log.warn('shutdown grace period over: closing the remaining connections');
    app.server.closeAllConnections();
  }, config.SHUTDOWN_GRACE_MS);
  force.unref();
  await dispatcher?.stop();
  // Stops accepting, ends the sync event streams (their clients reconnect to another instance)
  // and waits for the requests in flight.
  await app.close();
  await close();
  await db.destroy();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

await app.listen({ host: config.HOST, port: config.PORT });
