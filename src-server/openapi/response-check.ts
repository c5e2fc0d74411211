/**
 * Holds every answer to the API's own OpenAPI document (OPENAPI_RESPONSE_CHECK=1, which the test
 * suite's API processes run with): the status must be declared for the operation and a JSON
 * body must be valid against the declared schema. A violation is logged and the answer is
 * replaced by 500 CONTRACT_VIOLATION, so whichever test met it fails and says why. Answers to
 * unrouted requests (404, 405) are held to the shared Error schema.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_V1, ONCALL_V1 } from '../../src-shared/api-paths';

// ajv-formats ships CommonJS with a default export.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document is free-form JSON walked by key
type Json = Record<string, any>;
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/**
 * OpenAPI 3.0's `nullable: true` admits null even with an `enum`; JSON Schema (and so Ajv)
 * needs null listed in the enum too.
 */
function allowNullInEnums(node: unknown): Json {
  if (Array.isArray(node)) node.forEach(allowNullInEnums);
  else if (node && typeof node === 'object') {
    const schema = node as Json;
    if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
    Object.values(schema).forEach(allowNullInEnums);
  }
  return node as Json;
}

/** ISO 8601 expanded-year UTC, as `toISOString()` writes years beyond 9999. */
const EXPANDED_YEAR_UTC = /^[+-]\d{6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export class ResponseContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction | null>();

  private readonly doc: Json;

  constructor(doc: Json) {
    this.doc = allowNullInEnums(structuredClone(doc));
    addFormats(this.ajv);
    // StoredTimestamp's documented exception: legacy rows beyond year 9999 answer as stored.
    const rfc3339 = this.ajv.formats['date-time'] as { validate: (s: string) => boolean } | undefined;
    this.ajv.addFormat('date-time', (s: string) => EXPANDED_YEAR_UTC.test(s) || (rfc3339?.validate(s) ?? false));
    this.ajv.addSchema(this.doc, 'openapi');
  }

  /** What is wrong with an answer, or null when the document declares it. */
  check(method: string, routeUrl: string | undefined, status: number, contentType: string, body: string | undefined): string | null {
    if (!routeUrl) {
      if (status !== 404 && status !== 405) return `an unrouted request was answered ${status}`;
      return this.validate('#/components/schemas/Error', body, `unrouted ${status}`);
    }
    const path = routeUrl.replace(/:(\w+)/g, '{$1}');
    const op = this.doc.paths?.[path]?.[method.toLowerCase()];
    if (!op) return `${method} ${path} is not in the document`;
    let response = op.responses?.[String(status)];
    if (!response) return `${method} ${path} answered ${status}, which the document does not declare (declared: ${Object.keys(op.responses ?? {}).join(', ')})`;
    let location = `#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status))}`;
    if (response.$ref) {
      location = response.$ref as string;
      response = this.doc.components.responses[location.split('/').pop()!];
    }
    const declared = response.content?.['application/json'];
    if (!declared) return body ? `${method} ${path} ${status} has a body but the document declares none` : null;
    if (!contentType.startsWith('application/json')) return `${method} ${path} ${status} answered ${contentType || 'no content type'}, not JSON`;
    return this.validate(`${location}/content/application~1json/schema`, body, `${method} ${path} ${status}`);
  }

  private validate(location: string, body: string | undefined, what: string): string | null {
    let validate = this.cache.get(location);
    if (validate === undefined) {
      validate = this.ajv.getSchema(`openapi${location}`) ?? null;
      this.cache.set(location, validate);
    }
    if (!validate) return `${what}: no schema at ${location}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body ?? '');
    } catch {
      return `${what}: the body is not JSON`;
    }
    if (validate(parsed)) return null;
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`);
    return `${what}: the body does not match the document: ${errors.join('; ')}`;
  }
}

const isApiRoute = (url: string | undefined) => url === undefined || url.startsWith(API_V1) || url.startsWith(ONCALL_V1);

export function registerResponseCheck(app: FastifyInstance): void {
  let contract: ResponseContract | undefined;
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const routeUrl = request.routeOptions.url;
    if (request.method === 'HEAD' || !isApiRoute(routeUrl)) return payload;
    // Streams (the sync poke stream) are not JSON documents.
    if (payload !== undefined && payload !== null && typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    contract ??= new ResponseContract(app.swagger() as Json);
    const body = payload === undefined || payload === null ? undefined : String(payload);
    const contentType = String(reply.getHeader('content-type') ?? '');
    const status = reply.statusCode;
    const problem = contract.check(request.method, routeUrl, status, contentType, body || undefined);
    if (!problem) return payload;
    request.log.error({ problem, status, body: body?.slice(0, 500) }, 'answer does not match the OpenAPI document');
    reply.code(500).header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify({ error: { code: 'CONTRACT_VIOLATION', message: problem, details: { status } } });
  });
}
