/** Every route plugin, mounted under its facade's prefix. */
import type { FastifyInstance } from 'fastify';
import { API_V1, ONCALL_V1 } from '../../src-shared/api-paths';
import type { ServerContext } from '../domain/server-context';
import { oncallRoutes } from './oncall';
import { v1CallRoutes } from './v1/calls';
import { v1AuthRoutes } from './v1/auth';
import { v1ApiKeyRoutes } from './v1/api-keys';
import { v1AuditRoutes } from './v1/audit';
import { v1WebhookRoutes } from './v1/webhooks';
import { v1TaskRoutes } from './v1/tasks';
import { v1PatientRoutes } from './v1/patients';
import { v1UserRoutes } from './v1/users';
import { v1DispositionRoutes } from './v1/dispositions';
import { v1SyncRoutes } from './v1/sync';
import { v1AgentStateRoutes } from './v1/agent-states';
import { v1WhoamiRoutes } from './v1/whoami';

export async function registerRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  await app.register(v1AuthRoutes(ctx), { prefix: API_V1 });
  await app.register(v1WhoamiRoutes(ctx), { prefix: API_V1 });
  await app.register(v1ApiKeyRoutes(ctx), { prefix: API_V1 });
  await app.register(v1AuditRoutes(ctx), { prefix: API_V1 });
  await app.register(v1WebhookRoutes(ctx), { prefix: API_V1 });
  await app.register(v1CallRoutes(ctx), { prefix: API_V1 });
  await app.register(v1TaskRoutes(ctx), { prefix: API_V1 });
  await app.register(v1PatientRoutes(ctx), { prefix: API_V1 });
  await app.register(v1UserRoutes(ctx), { prefix: API_V1 });
  await app.register(v1DispositionRoutes(ctx), { prefix: API_V1 });
  await app.register(v1SyncRoutes(ctx), { prefix: API_V1 });
  await app.register(v1AgentStateRoutes(ctx), { prefix: API_V1 });
  await app.register(oncallRoutes(ctx), { prefix: ONCALL_V1 });
}
