/**
 * Every API route refuses query parameters it does not declare (400 naming the allowed ones),
 * including a route added without a query schema or with a non-strict one: a misspelled filter
 * must never silently widen a result. The shared list schemas are strict already; this keeps a
 * new route from forgetting it. Register before any route.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { API_V1, ONCALL_V1 } from '../../src-shared/api-paths';

export function registerStrictQueries(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_V1) && !route.url.startsWith(ONCALL_V1)) return;
    route.schema ??= {};
    const query = route.schema.querystring;
    if (query === undefined) route.schema.querystring = z.strictObject({});
    else if (query instanceof z.ZodObject) route.schema.querystring = query.strict();
  });
}
