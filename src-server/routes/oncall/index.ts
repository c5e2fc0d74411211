/** Seed 003's "OnCall Module API" facade: the organization comes from the credential, not the path. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerContext } from '../../domain/server-context';
import { oncallCallRoutes } from './calls';
import { oncallComplianceRoutes } from './compliance';
import { oncallRecordingRoutes } from './recordings';
import { oncallScheduleRoutes } from './schedules';

export function oncallRoutes(ctx: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(oncallCallRoutes(ctx));
    await app.register(oncallScheduleRoutes(ctx));
    await app.register(oncallRecordingRoutes(ctx));
    await app.register(oncallComplianceRoutes(ctx));
  };
}
