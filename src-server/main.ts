/** `npm run server`: the central API on HOST:PORT with its store at DATABASE_URL. */
import { buildApp } from './app';
import { loadConfig } from './config';
import { openDatabase } from './db/connection';
import { seedDemoIfEmpty } from './seed/demo';
import { startWebhookDispatcher } from './webhooks/dispatcher';

const config = loadConfig();
const db = await openDatabase(config.DATABASE_URL);
if (config.DEMO_SEED === '1') await seedDemoIfEmpty(db);
const { app, ctx } = await buildApp({ db, config });
const dispatcher = startWebhookDispatcher(ctx, app.log);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await dispatcher.stop();
  await app.close();
  await db.destroy();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));

await app.listen({ host: config.HOST, port: config.PORT });
