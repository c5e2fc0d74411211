/**
 * The API's routes as its own OpenAPI document (GET /docs/json, generated from the zod schemas)
 * describes them, plus well-formed sample values for their parameters and bodies. Robustness
 * tests start from these, so a route added tomorrow is covered without editing a list.
 */

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  nullable?: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  summary?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string; in?: string; name?: string }> };
  security?: Record<string, string[]>[];
}

export interface RouteOp {
  method: string;
  /** the OpenAPI template, e.g. /api/v1/organizations/{org_id}/calls/{call_id} */
  path: string;
  summary: string;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  body?: JsonSchema;
  /** marked `security: []`: needs no credential (sign-in, refresh) */
  isPublic: boolean;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export async function fetchOpenApi(baseUrl: string): Promise<OpenApiDocument> {
  const res = await fetch(`${baseUrl}/docs/json`);
  if (res.status !== 200) throw new Error(`GET /docs/json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/**
 * The document with its local `$ref`s (named components) replaced by what they point to, so
 * the samplers below see plain schemas. Shared objects stay shared; the document has no cycles.
 */
function inlineRefs<T>(node: T, root: unknown): T {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, root)) as T;
  if (!node || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')], root);
    return inlineRefs(target as T, root);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inlineRefs(v, root)])) as T;
}

/** Every operation of the document, in document order. */
export function routesOf(document: OpenApiDocument): RouteOp[] {
  const doc = inlineRefs(document, document);
  const ops: RouteOp[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.includes(method)) continue;
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return ops;
}

export const describeOp = (op: Pick<RouteOp, 'method' | 'path'>) => `${op.method} ${op.path}`;

/** Fills `{name}` placeholders; values are percent-encoded unless `raw` (to send garbage as is). */
export function fillPath(template: string, values: Record<string, string>, raw = false): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return raw ? v : encodeURIComponent(v);
  });
}

/**
 * The list route whose items a path parameter names: for /x/{org_id}/calls/{call_id} and
 * `call_id`, GET /x/{org_id}/calls. Undefined when the document has none.
 */
export function collectionFor(ops: RouteOp[], op: RouteOp, param: string): RouteOp | undefined {
  const at = op.path.indexOf(`/{${param}}`);
  if (at < 0) return undefined;
  const prefix = op.path.slice(0, at);
  return ops.find((o) => o.method === 'GET' && o.path === prefix);
}

/** A small seeded generator (mulberry32): the same seed gives the same requests on every run. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A random RFC 4122 version-4 UUID drawn from this generator (deterministic). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => this.int(16).toString(16));
    hex[12] = '4';
    hex[16] = '89ab'[this.int(4)]!;
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/**
 * Values a field's name suggests, for strings whose schema alone (a bare pattern) says too little
 * to make one the server accepts. Every URL points at this machine's discard port: a webhook
 * created by a test must never send traffic anywhere else.
 */
const NAMED_STRINGS: [RegExp, string[]][] = [
  [/phone/i, ['+447700900123', '07700 900456', '+44 20 7946 0958']],
  [/^(outcome|code)$/i, ['resolved', 'callback_requested', 'voicemail', 'prescription_query']],
  [/email/i, ['someone@demo.test', 'admin@demo.test']],
  [/password/i, ['demo-password', 'not-the-password']],
  [/url/i, ['http://127.0.0.1:9/hook', 'https://127.0.0.1:9/recordings/1.mp3']],
  [/name|title|label|body|regulatory|check/i, ['Margaret', 'Follow up', 'CQC', 'recording_retention']],
];

export const SAFE_URL = 'http://127.0.0.1:9/hook';

function formatted(format: string, rng: Rng): string | undefined {
  const day = new Date(Date.now() + rng.between(-30, 30) * 86_400_000);
  switch (format) {
    case 'uuid':
      return rng.uuid();
    case 'date-time':
      return day.toISOString();
    case 'date':
      return day.toISOString().slice(0, 10);
    case 'email':
      return 'someone@demo.test';
    case 'uri':
    case 'url':
      return SAFE_URL;
    default:
      return undefined;
  }
}

function sampleString(schema: JsonSchema, rng: Rng, name: string): string {
  const fromFormat = schema.format ? formatted(schema.format, rng) : undefined;
  if (fromFormat !== undefined) return fromFormat;
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 40;
  const fits = (s: string) =>
    s.length >= min && s.length <= max && (!schema.pattern || new RegExp(schema.pattern, 'u').test(s));
  const named = NAMED_STRINGS.filter(([re]) => re.test(name)).flatMap(([, values]) => values);
  const generic = ['abc', 'sample', 'hello world', 'a1', 'note_1', 'x'.repeat(Math.max(1, min))];
  const candidates = [...named, ...generic].filter(fits);
  if (candidates.length > 0) return rng.pick(candidates);
  const length = Math.min(max, Math.max(min, 8));
  return Array.from({ length }, () => 'abcdefghij'[rng.int(10)]).join('');
}

function sampleNumber(schema: JsonSchema, rng: Rng, integer: boolean): number {
  const lo = Math.max(schema.minimum ?? 0, -1000);
  const hi = Math.min(schema.maximum ?? lo + 100, lo + 1000);
  const n = lo + rng.next() * (hi - lo);
  return integer ? Math.min(hi, Math.max(lo, Math.round(n))) : n;
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  return undefined;
}

/** Supplies a value for a field by its name (a real record's id, say), or undefined to generate one. */
export type SampleHint = (name: string, schema: JsonSchema) => unknown;

/**
 * A value that satisfies `schema` as far as a JSON schema can say (formats, enums, bounds,
 * required keys); optional keys are included at random. `name` is the field's name, used as a hint.
 */
export function sampleValue(schema: JsonSchema | undefined, rng: Rng, name = '', hint?: SampleHint, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  const hinted = name && hint ? hint(name, schema) : undefined;
  if (hinted !== undefined) return hinted;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return rng.pick(schema.enum);
  // Defaults are the common case (page 1, 50 a page), so lists answer with items, not past the end.
  if (schema.default !== undefined && rng.chance(0.5)) return schema.default;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) {
    const nonNull = alternatives.filter((s) => s.type !== 'null');
    return sampleValue(rng.pick(nonNull.length ? nonNull : alternatives), rng, name, hint, depth + 1);
  }
  if (schema.allOf?.length) {
    const parts = schema.allOf.map((s) => sampleValue(s, rng, name, hint, depth + 1));
    return Object.assign({}, ...parts.filter((p) => p && typeof p === 'object' && !Array.isArray(p)));
  }
  switch (typeOf(schema)) {
    case 'string':
      return sampleString(schema, rng, name);
    case 'integer':
      return sampleNumber(schema, rng, true);
    case 'number':
      return sampleNumber(schema, rng, false);
    case 'boolean':
      return rng.chance(0.5);
    case 'array': {
      const count = Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 0, rng.between(1, 3)));
      return Array.from({ length: count }, () => sampleValue(schema.items, rng, name, hint, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, prop] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || rng.chance(0.5)) out[key] = sampleValue(prop, rng, key, hint, depth + 1);
      }
      if (!schema.properties && schema.additionalProperties !== false && rng.chance(0.5)) {
        out.source = 'fuzz';
      }
      return out;
    }
    default:
      return null;
  }
}

/** Query values for the operation's parameters, as the strings a client would send. */
export function sampleQuery(op: RouteOp, rng: Rng, includeOptional = 0.3, hint?: SampleHint): Record<string, string> {
  const query: Record<string, string> = {};
  for (const p of op.queryParams) {
    if (!p.required && !rng.chance(includeOptional)) continue;
    const v = sampleValue(p.schema, rng, p.name, hint);
    if (v !== null && v !== undefined) query[p.name] = String(v);
  }
  return query;
}
