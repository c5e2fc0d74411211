/**
 * Every error leaves the API in seed 003's format. Input problems are 4xx by construction:
 * anything unrecognised is logged and answered 500 without internals. That includes the errors
 * Fastify and Node answer before a route runs (bad URL encoding, oversized headers), which would
 * otherwise reach the client in their own shapes.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode } from '../../src-shared/schemas/errors';
import { ONCALL_V1 } from '../../src-shared/api-paths';
import { isStoreUnavailable } from '../db/errors';
import { ApiError } from './api-error';
import { pathOf } from './request-path';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  // A path segment longer than any id we issue names nothing that exists.
  FST_ERR_MAX_PARAM_LENGTH: 'NOT_FOUND',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

type Issue = {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: string[]; issue?: { path?: PropertyKey[]; message?: string } };
};

function fieldDetails(issues: Issue[]): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.params?.issue?.path?.map(String).join('.') || issue.instancePath?.replace(/^\//, '').replaceAll('/', '.') || '_';
    details[path] ??= issue.params?.issue?.message ?? issue.message ?? 'invalid';
  }
  return details;
}

/** The query parameters a route declares (its strict zod object's keys). */
function allowedQuery(request: FastifyRequest | undefined): string[] {
  const schema = request?.routeOptions.schema?.querystring as { shape?: Record<string, unknown> } | undefined;
  return Object.keys(schema?.shape ?? {});
}

/**
 * A misspelled filter must never silently widen a result: an unknown query parameter is a 400
 * that names it and the parameters the route does take.
 */
function queryError(issues: Issue[], request: FastifyRequest | undefined): ApiError {
  const unknown = issues.flatMap((i) => (i.keyword === 'unrecognized_keys' ? (i.params?.keys ?? []) : []));
  const details: Record<string, unknown> = fieldDetails(issues.filter((i) => i.keyword !== 'unrecognized_keys'));
  if (unknown.length === 0) return new ApiError('BAD_REQUEST', 'invalid query parameters', details);
  const allowed = allowedQuery(request);
  // Listed rather than keyed by name: the OnCall facade renames detail keys to camelCase, and
  // the caller must see the parameter exactly as they sent it.
  return new ApiError(
    'BAD_REQUEST',
    `unknown query parameter ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed.join(', ') || 'none'}`,
    { ...details, unknown, allowed },
  );
}

/** Maps any thrown value to the API error it should be answered with. */
export function toApiError(err: unknown, request?: FastifyRequest): ApiError | null {
  if (err instanceof ApiError) return err;
  const e = err as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const details = fieldDetails(e.validation as Issue[]);
    switch (e.validationContext) {
      case 'params':
        return new ApiError('NOT_FOUND', 'resource not found', details);
      case 'querystring':
        return queryError(e.validation as Issue[], request);
      case 'headers':
        return new ApiError('BAD_REQUEST', 'invalid headers', details);
      default:
        // No body at all (no content-type, nothing sent) is the same mistake as an empty JSON
        // body, which Fastify answers INVALID_JSON: say so rather than "expected object".
        if (request && request.body == null && !request.headers['content-type'] && !hasBodyBytes(request)) {
          return new ApiError('INVALID_JSON', 'a JSON request body is required');
        }
        return new ApiError('VALIDATION_FAILED', 'validation failed', details);
    }
  }
  if (e && typeof e === 'object' && typeof e.code === 'string' && FASTIFY_CODES[e.code]) {
    const code = FASTIFY_CODES[e.code]!;
    return new ApiError(code, code === 'NOT_FOUND' ? 'resource not found' : e.message);
  }
  const status = (e as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(BY_STATUS[status] ?? 'BAD_REQUEST', e.message || 'bad request');
  }
  return null;
}

function hasBodyBytes(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}


function answer(request: FastifyRequest, reply: FastifyReply, err: unknown) {
  const apiError = toApiError(err, request);
  if (apiError) {
    return send(request, reply, apiError);
  }
  // Another writer holding a lock, or the database out of reach, passes: not a server fault.
  if (isStoreUnavailable(err)) {
    request.log.warn({ err }, 'database busy or unreachable');
    reply.header('Retry-After', 1);
    return send(request, reply, new ApiError('SERVICE_UNAVAILABLE', 'the server is busy: retry shortly'));
  }
  request.log.error({ err }, 'unhandled error');
  return send(request, reply, new ApiError('INTERNAL_ERROR', 'internal server error', { request_id: request.id }));
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The OnCall facade speaks camelCase, including in `details`: a field the shared services name
 * in snake_case (`phone_number`) is reported under the facade's name (`phoneNumber`), so one
 * field never appears under two names. Only the top-level field is renamed: nested keys below
 * it (`metadata.caller_name`) are the caller's own.
 */
export function camelDetails(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    const [head, ...rest] = key.split('.');
    out[[camel(head!), ...rest].join('.')] ??= value;
  }
  return out;
}

function send(request: FastifyRequest, reply: FastifyReply, error: ApiError) {
  const body = error.toBody();
  if (request.url.startsWith(`${ONCALL_V1}/`) || request.url === ONCALL_V1) body.error.details = camelDetails(body.error.details);
  return reply.status(error.statusCode).send(body);
}

/** Fastify's `frameworkErrors` option: router failures (bad percent-encoding, overlong ids). */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('X-Request-Id', request.id);
  return answer(request, reply, err);
}

/**
 * Fastify's `clientErrorHandler` option: Node refused the request before Fastify saw it
 * (headers over Node's 16 KiB limit, malformed HTTP, a client too slow to send its request).
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request was not received in time']
        : [400, 'BAD_REQUEST', 'malformed HTTP request'];
  const body = JSON.stringify({ error: { code, message, details: {} } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** Fastify route URLs (`/a/:id/b`, `/files/*`) as a matcher for concrete request paths. */
function routeMatcher(url: string): RegExp {
  const segments = url.split('/').map((s) => {
    if (s === '*') return '.*';
    if (s.startsWith(':')) return '[^/]+';
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${segments.join('/')}/?$`);
}

/**
 * The methods each route path answers, so that a known path asked with another method is a
 * 405 naming the allowed ones, not a 404 that suggests the path is wrong.
 */
class AllowedMethods {
  private readonly byUrl = new Map<string, { matcher: RegExp; methods: Set<string> }>();

  add(url: string, methods: string | string[]): void {
    let entry = this.byUrl.get(url);
    if (!entry) {
      entry = { matcher: routeMatcher(url), methods: new Set() };
      this.byUrl.set(url, entry);
    }
    for (const m of [methods].flat()) entry.methods.add(m.toUpperCase());
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
  }

  for(path: string): string[] {
    const allowed = new Set<string>();
    for (const { matcher, methods } of this.byUrl.values()) {
      if (matcher.test(path)) for (const m of methods) allowed.add(m);
    }
    return [...allowed].sort();
  }
}

/** Call before any route is registered: the 405 answer learns the routes as they are added. */
export function registerErrorHandling(app: FastifyInstance): void {
  const allowed = new AllowedMethods();
  app.addHook('onRoute', (route) => allowed.add(route.url, route.method));

  const missing = (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request);
    const methods = allowed.for(path);
    if (methods.length > 0) {
      reply.header('Allow', methods.join(', '));
      return send(request, reply, new ApiError('METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}`, { allow: methods }));
    }
    return send(request, reply, new ApiError('NOT_FOUND', `route ${request.method} ${path} not found`));
  };
  app.setNotFoundHandler(missing);
  // No route matched: whatever failed first (an empty or broken JSON body, a media type), the
  // answer is the route's absence: 405 with Allow for a known path, else 404.
  app.setErrorHandler((err, request, reply) => (request.is404 ? missing(request, reply) : answer(request, reply, err)));
}
