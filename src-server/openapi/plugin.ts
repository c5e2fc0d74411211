/**
 * The API describes itself: the OpenAPI document at /docs/json and an interactive console at
 * /docs (Swagger UI served from the installed package, so it works with no internet). Register
 * before any route: names and public flags are set as routes are added.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { API_V1, ONCALL_V1 } from '../../src-shared/api-paths';
import { ErrorBody } from '../../src-shared/schemas/errors';
import { completeDocument, operationIdFor } from './document';
import { SchemaNames } from './names';

export const DOCS_PREFIX = '/docs';

/** Where the API runs; the SDKs' named environments use the same URLs. */
export const SERVERS = [
  { url: 'https://api.writecarenotes.com', description: 'production (seed 003)' },
  { url: 'http://127.0.0.1:8080', description: 'a local API (`npm run server`)' },
];

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const names = new SchemaNames();
  names.name(ErrorBody); // every error response refers to it
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) {
      // The document and the console's page and assets are readable without a credential.
      route.config = { ...route.config, public: true };
      return;
    }
    const schema = route.schema;
    if (!schema) return;
    const method = [route.method].flat()[0]!.toLowerCase();
    const op = operationIdFor(method, route.url.replace(/:(\w+)/g, '{$1}'));
    const pascal = op.charAt(0).toUpperCase() + op.slice(1);
    if (schema.body) schema.body = names.name(schema.body, `${pascal}Request`);
    const response = schema.response as Record<string, unknown> | undefined;
    if (response) for (const status of Object.keys(response)) response[status] = names.name(response[status], `${pascal}Response`);
  });

  const zodToJsonConfig = { target: 'openapi-3.0' as const };
  const transformObject = createJsonSchemaTransformObject({ schemaRegistry: names.registry, zodToJsonConfig });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'OnCall Desk central API',
        version: '1.0.0',
        description:
          `Seed 000 (Call Center & Task API) under ${API_V1}, seed 003 (OnCall Module API) under ${ONCALL_V1}. ` +
          'Every error answers `{"error": {"code", "message", "details"}}`; every answer carries the `X-RateLimit-*` headers.',
        license: { name: 'Proprietary', url: 'https://writecarenotes.com/terms' },
      },
      servers: SERVERS,
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An access token from POST /api/v1/auth/login' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (`ock_…`) from POST /api/v1/organizations/{org_id}/api-keys' },
        },
      },
      security: [{ bearerAuth: [] }, { apiKey: [] }],
    },
    transform: createJsonSchemaTransform({ schemaRegistry: names.registry, zodToJsonConfig }),
    transformObject: (input) => completeDocument(transformObject(input) as Parameters<typeof completeDocument>[0]) as never,
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // No call to the public validator badge: the console must work offline.
    uiConfig: { validatorUrl: null, deepLinking: true, persistAuthorization: false },
    staticCSP: true,
  });
}
