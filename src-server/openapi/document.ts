/**
 * The OpenAPI document at /docs/json, generated from the routes' zod schemas, and what a
 * route does not say for itself, added to every operation so routes added later are complete
 * too: an operationId, the shared error responses (one named `Error` schema), the rate-limit
 * headers on every answer, and named components for the seeds' types (names.ts).
 */
import { API_V1, ONCALL_V1 } from '../../src-shared/api-paths';
import { EXAMPLES } from './examples';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an OpenAPI document is free-form JSON walked by key
export type Json = Record<string, any>;

const RATE_HEADERS = {
  'X-RateLimit-Limit': { description: 'Requests allowed in the tightest window (seed 003: per minute, hour and day)', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in that window', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'When that window resets (Unix time, seconds)', schema: { type: 'integer' } },
};
const headerRefs = Object.fromEntries(Object.keys(RATE_HEADERS).map((h) => [h, { $ref: `#/components/headers/${h}` }]));
const RETRY_AFTER = { description: 'Seconds to wait before retrying', schema: { type: 'integer' } };

/** The error answers, by status: the component's name, when it applies, its description. */
const ERROR_RESPONSES: { status: string; name: string; description: string; applies: (op: OpInfo) => boolean; example: [string, string, Json?] }[] = [
  { status: '400', name: 'BadRequest', description: 'Malformed request: invalid JSON, or bad or unknown query parameters', applies: () => true, example: ['BAD_REQUEST', 'unknown query parameter "regulatory_body"; allowed: page, limit, region, regulatoryBody, status, checkType', { unknown: ['regulatory_body'], allowed: ['page', 'limit', 'region', 'regulatoryBody', 'status', 'checkType'] }] },
  { status: '401', name: 'Unauthorized', description: 'Missing, invalid or expired credential', applies: () => true, example: ['UNAUTHORIZED', 'authentication required: send "Authorization: Bearer <token>" or "X-API-Key"'] },
  { status: '403', name: 'Forbidden', description: "The credential's role may not do this", applies: (op) => !op.isPublic, example: ['FORBIDDEN', 'supervisors and admins only'] },
  { status: '404', name: 'NotFound', description: 'No such record in your organization (or not visible to you)', applies: (op) => op.hasPathParams, example: ['NOT_FOUND', 'call not found'] },
  { status: '409', name: 'Conflict', description: 'Conflicts with the current state (status transition, duplicate id, expired cursor)', applies: (op) => op.method !== 'get' || op.path.endsWith('/sync/pull'), example: ['INVALID_STATUS_TRANSITION', 'a call cannot go from completed to active'] },
  { status: '413', name: 'PayloadTooLarge', description: 'The body is larger than the server accepts (any request may carry one)', applies: () => true, example: ['PAYLOAD_TOO_LARGE', 'Request body is too large'] },
  { status: '415', name: 'UnsupportedMediaType', description: 'A body that is not application/json (any request may carry one)', applies: () => true, example: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: text/plain'] },
  { status: '422', name: 'ValidationFailed', description: 'The body failed validation; `details` maps each field to what is wrong', applies: (op) => op.hasBody, example: ['VALIDATION_FAILED', 'validation failed', { phoneNumber: 'not a valid phone number' }] },
  { status: '429', name: 'RateLimited', description: 'Rate limit exceeded: wait `Retry-After` seconds', applies: () => true, example: ['RATE_LIMITED', 'rate limit exceeded', { limit: 1000, retryAfterSeconds: 42 }] },
  { status: '500', name: 'InternalError', description: 'Unexpected server fault (logged; no internals in the answer)', applies: () => true, example: ['INTERNAL_ERROR', 'internal server error', { request_id: '5f0c6c1e-4b8a-4d8e-9a43-2f7d1f0e9b11' }] },
  { status: '503', name: 'ServiceUnavailable', description: 'Busy: retry after `Retry-After` seconds', applies: () => true, example: ['SERVICE_UNAVAILABLE', 'the server is busy: retry shortly'] },
];

interface OpInfo {
  method: string;
  path: string;
  isPublic: boolean;
  hasBody: boolean;
  hasPathParams: boolean;
}

const SUCCESS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '204': 'No content' };

const TAGS = [
  { name: 'auth', description: 'Sign-in, token refresh and sign-out (seed 000 facade)' },
  { name: 'calls', description: "Seed 000's calls, with the call status workflow" },
  { name: 'tasks', description: "Seed 000's tasks and the signed-in user's own" },
  { name: 'patients', description: 'Patients, looked up by name or any phone number format' },
  { name: 'users', description: 'Users of the organization' },
  { name: 'dispositions', description: 'Call outcome codes' },
  { name: 'api-keys', description: 'API keys (admins)' },
  { name: 'audit', description: 'The append-only audit log' },
  { name: 'webhooks', description: 'Webhook subscriptions and their deliveries' },
  { name: 'sync', description: "The desktop client's sync protocol" },
  { name: 'oncall', description: `Seed 003's OnCall Module API under ${ONCALL_V1}: camelCase, the organization from the credential` },
];

/** `post /v1/oncall/calls/{id}` → `postOncallCallsById`: unique per operation, stable across runs. */
export function operationIdFor(method: string, path: string): string {
  const rest = path.startsWith(API_V1) ? path.slice(API_V1.length) : path.replace(/^\/v1\//, '/');
  const words = rest
    .split('/')
    .filter((s) => s && s !== 'organizations' && s !== '{org_id}')
    .map((s) => (s.startsWith('{') ? `by_${s.slice(1, -1)}` : s))
    .flatMap((s) => s.split(/[-_]/))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return method + words.join('');
}

const errorResponse = (description: string, [code, message, details]: [string, string, Json?], retry: boolean) => ({
  description,
  headers: { ...headerRefs, ...(retry ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : {}) },
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/Error' },
      example: { error: { code, message, details: details ?? {} } },
    },
  },
});

/** Every `$ref` to a component schema anywhere below `node`. */
function refsIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const v of node) refsIn(v, found);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) found.add(v.slice('#/components/schemas/'.length));
      else refsIn(v, found);
    }
  }
  return found;
}

/**
 * Request schemas come out of the zod provider as `<Name>Input` (its input shape) beside the
 * output shape `<Name>`. A name used only as a request keeps its plain name (seed 000's
 * `CallCreate`); components nothing refers to are dropped.
 */
function tidyComponents(doc: Json): void {
  const schemas: Json = doc.components?.schemas ?? {};
  const used = () => {
    const seen = refsIn([doc.paths, doc.components.responses]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const name of [...seen]) {
        for (const r of refsIn(schemas[name])) {
          if (!seen.has(r)) {
            seen.add(r);
            grew = true;
          }
        }
      }
    }
    return seen;
  };
  let seen = used();
  const renames = [...seen].filter((n) => n.endsWith('Input') && !seen.has(n.slice(0, -5)) && schemas[n]);
  if (renames.length) {
    let text = JSON.stringify({ paths: doc.paths, schemas });
    for (const n of renames) text = text.replaceAll(`"#/components/schemas/${n}"`, `"#/components/schemas/${n.slice(0, -5)}"`);
    const parsed = JSON.parse(text) as Json;
    doc.paths = parsed.paths;
    for (const n of renames) parsed.schemas[n.slice(0, -5)] = parsed.schemas[n];
    doc.components.schemas = parsed.schemas;
    seen = used();
  }
  doc.components.schemas = Object.fromEntries(
    Object.entries(doc.components.schemas as Json).filter(([n]) => seen.has(n)).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Completes the generated document; @fastify/swagger's `transformObject` step calls it. */
export function completeDocument(doc: Json): Json {
  doc.components.headers = { ...RATE_HEADERS, 'Retry-After': RETRY_AFTER };
  doc.components.responses = Object.fromEntries(
    ERROR_RESPONSES.map((e) => [e.name, errorResponse(e.description, e.example, e.status === '429' || e.status === '503')]),
  );
  tidyComponents(doc);
  for (const [name, example] of Object.entries(EXAMPLES)) {
    if (doc.components.schemas[name]) doc.components.schemas[name].example = example;
  }
  const usedTags = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      if (typeof op !== 'object' || !op.responses) continue;
      const info: OpInfo = {
        method,
        path,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
        hasBody: Boolean(op.requestBody),
        hasPathParams: (op.parameters ?? []).some((p: Json) => p.in === 'path'),
      };
      op.operationId ??= operationIdFor(method, path);
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (SUCCESS_TEXT[status] && (!response.description || response.description === 'Default Response')) response.description = SUCCESS_TEXT[status];
        if (!response.$ref) response.headers = { ...headerRefs, ...response.headers };
      }
      for (const e of ERROR_RESPONSES) {
        if (e.applies(info)) op.responses[e.status] ??= { $ref: `#/components/responses/${e.name}` };
      }
      for (const t of op.tags ?? []) usedTags.add(t);
    }
  }
  doc.tags = [...TAGS.filter((t) => usedTags.has(t.name)), ...[...usedTags].filter((t) => !TAGS.some((d) => d.name === t)).map((name) => ({ name, description: `Operations on ${name}` }))];
  return doc;
}
