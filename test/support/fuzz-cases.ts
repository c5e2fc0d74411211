/**
 * Malformed requests for the API fuzz (test/api/fuzz.test.ts): bodies, query strings, headers
 * and path ids that a buggy or hostile client sends. Every case is drawn from a seeded Rng, so a
 * failing request can be reproduced from the seed alone.
 */
import {
  fillPath,
  sampleQuery,
  sampleValue,
  type Rng,
  type RouteOp,
  type SampleHint,
} from './openapi-routes';
import {
  NAN_ISH,
  ODD_CONTENT_TYPES,
  ODD_DATES,
  ODD_NUMBERS,
  ODD_PATH_IDS,
  ODD_REQUEST_IDS,
  PERCENT_GARBAGE,
  RAW_BODIES,
  RAW_NUMBERS,
  UNICODE,
  WRONG_TYPES,
} from './fuzz-values';

/** Who a request claims to be: a real session, nobody, or whatever garbage its headers carry. */
export type Identity = 'admin' | 'agent' | 'none' | 'garbage';

export interface FuzzRequest {
  kind: string;
  op: RouteOp;
  as: Identity;
  method: string;
  /** path and query string, sent as is */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** larger than the server accepts by design (body limit, Node's header limit): it may close the connection */
  oversized?: boolean;
}

export interface FuzzContext {
  /** values for path parameters: the actor's organization and ids of existing records */
  pathValues: (op: RouteOp, rng: Rng) => Record<string, string>;
  /** ids that belong to the other organization: never to be answered with their data */
  foreignIds: string[];
  /** ids of existing records for body and query fields (patient_id, callId, assignee_id...) */
  hint: SampleHint;
  /** a real access token, to build near-miss Authorization headers from */
  someToken: string;
  bodyLimit: number;
}

const HEADER_LIMIT = 16 * 1024; // Node's default --max-http-header-size

function keysOf(op: RouteOp, base: unknown): string[] {
  const fromSchema = Object.keys(op.body?.properties ?? {});
  const fromBase = base && typeof base === 'object' && !Array.isArray(base) ? Object.keys(base) : [];
  const keys = [...new Set([...fromSchema, ...fromBase])];
  return keys.length ? keys : ['field'];
}

function nest(depth: number, leaf: string, array: boolean): string {
  return array ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** The body as JSON text with `key` set to raw JSON text (for values JSON.stringify can't make). */
function withRawField(base: Record<string, unknown>, key: string, rawJson: string): string {
  const rest = { ...base };
  delete rest[key];
  const others = JSON.stringify(rest).slice(1, -1);
  return `{${JSON.stringify(key)}:${rawJson}${others ? `,${others}` : ''}}`;
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A malformed body: one mutation of a well-formed sample. */
function malformedBody(op: RouteOp, rng: Rng, ctx: FuzzContext): { kind: string; body?: string | Uint8Array; contentType?: string; oversized?: boolean } {
  const base = asObject(sampleValue(op.body ?? { type: 'object' }, rng, '', ctx.hint));
  const key = rng.pick(keysOf(op, base));
  const set = (v: unknown) => JSON.stringify({ ...base, [key]: v });
  switch (rng.int(12)) {
    case 0:
      return { kind: 'body:wrong-type', body: set(rng.pick(WRONG_TYPES)) };
    case 1:
      return rng.chance(0.5) ? { kind: 'body:null', body: 'null' } : { kind: 'body:null-field', body: set(null) };
    case 2:
      return rng.chance(0.5)
        ? { kind: 'body:array-for-object', body: JSON.stringify([base]) }
        : { kind: 'body:array-field', body: set([base[key] ?? 'x']) };
    case 3: {
      const size = rng.pick([10_000, 100_000, 400_000, ctx.bodyLimit + 1000]);
      return { kind: 'body:huge-string', body: set('A'.repeat(size)), oversized: size > ctx.bodyLimit - 1000 };
    }
    case 4: {
      const depth = rng.pick([32, 512, 4096, 20_000]);
      const array = rng.chance(0.3);
      // Free-form objects (metadata, details, sync args) accept any nesting the schema allows:
      // aim there most of the time, so the depth reaches the handlers and not only validation.
      const freeForm = Object.entries(op.body?.properties ?? {})
        .filter(([, p]) => p.type === 'object' && !p.properties)
        .map(([k]) => k);
      const target = freeForm.length && rng.chance(0.7) ? rng.pick(freeForm) : key;
      return { kind: `body:deep-${array ? 'array' : 'object'}`, body: withRawField(base, target, nest(depth, '1', array)) };
    }
    case 5: {
      const pollution = rng.pick([
        '"__proto__":{"isAdmin":true,"role":"admin"}',
        '"constructor":{"prototype":{"isAdmin":true}}',
        '"prototype":{"isAdmin":true}',
        '"hasOwnProperty":1,"toString":"x","valueOf":null',
      ]);
      const inner = JSON.stringify(base).slice(1, -1);
      const where = rng.pick(['top', 'metadata']);
      const body =
        where === 'top'
          ? `{${pollution}${inner ? `,${inner}` : ''}}`
          : withRawField(base, rng.pick(['metadata', key]), `{${pollution}}`);
      return { kind: `body:proto-${where}`, body };
    }
    case 6:
      return { kind: 'body:unicode', body: set(rng.pick(UNICODE)) };
    case 7:
      return rng.chance(0.5)
        ? { kind: 'body:nan-string', body: set(rng.pick(NAN_ISH)) }
        : { kind: 'body:raw-number', body: withRawField(base, key, rng.pick(RAW_NUMBERS)) };
    case 8: {
      // Mass assignment: fields a client must never set, some naming the other organization.
      const extra = {
        id: rng.uuid(),
        organization_id: rng.pick(ctx.foreignIds),
        organizationId: rng.pick(ctx.foreignIds),
        role: 'admin',
        version: 999,
        created_at: '2000-01-01T00:00:00Z',
        deleted_at: null,
        [`x_${rng.int(1000)}`]: rng.pick(WRONG_TYPES),
      };
      return { kind: 'body:extra-fields', body: JSON.stringify({ ...base, ...extra }) };
    }
    case 9:
      return { kind: 'body:raw-garbage', body: rng.pick(RAW_BODIES) };
    case 10:
      return rng.chance(0.5)
        ? { kind: 'body:empty-json', body: '' }
        : { kind: 'body:absent', body: undefined, contentType: '' };
    default: {
      // Every field wrong at once, so validation reports several details.
      const all: Record<string, unknown> = {};
      for (const k of keysOf(op, base)) all[k] = rng.pick(WRONG_TYPES);
      return { kind: 'body:all-wrong', body: JSON.stringify(all) };
    }
  }
}

/** encodeURIComponent, except that a lone surrogate goes out as the invalid UTF-8 it would be. */
function enc(text: string): string {
  const lone = /([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/;
  return text
    .split(lone)
    .map((part, i) => (i % 2 === 1 ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

function queryString(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

/** A malformed query: a well-formed sample with one kind of damage, some of it left unencoded. */
function malformedQuery(op: RouteOp, rng: Rng, ctx: FuzzContext): { kind: string; query: string; oversized?: boolean } {
  const valid = Object.entries(sampleQuery(op, rng, 0.5, ctx.hint));
  const names = op.queryParams.map((p) => p.name);
  const name = names.length ? rng.pick(names) : rng.pick(['page', 'limit', 'q', 'status']);
  const schema = op.queryParams.find((p) => p.name === name)?.schema;
  const isNumeric = schema?.type === 'integer' || schema?.type === 'number';
  const isDate = schema?.format === 'date' || schema?.format === 'date-time' || /date|from|to|due/i.test(name);
  const base = queryString(valid.filter(([k]) => k !== name));
  const join = (extra: string) => [base, extra].filter(Boolean).join('&');
  switch (rng.int(8)) {
    case 0:
      return { kind: 'query:repeated', query: join(`${name}=1&${name}=2&${name}=${encodeURIComponent(String(sampleValue(schema, rng, name, ctx.hint)))}`) };
    case 1:
      return { kind: 'query:array-syntax', query: join(rng.pick([`${name}[]=1`, `${name}[0]=1&${name}[1]=2`, `${name}[a]=b`, `${name}.x=1`])) };
    case 2:
      return { kind: isNumeric ? 'query:odd-number' : 'query:odd-value', query: join(`${name}=${enc(rng.pick(isNumeric ? ODD_NUMBERS : [...ODD_NUMBERS, ...UNICODE.slice(0, 10)]))}`) };
    case 3:
      return { kind: 'query:odd-date', query: join(`${isDate ? name : rng.pick(['date', 'from', 'to', 'startDate', 'endDate'])}=${encodeURIComponent(rng.pick(ODD_DATES))}`) };
    case 4:
      return { kind: 'query:percent-garbage', query: join(rng.chance(0.5) ? `${name}=${rng.pick(PERCENT_GARBAGE)}` : `${rng.pick(PERCENT_GARBAGE)}=1`) };
    case 5:
      return { kind: 'query:negative-page', query: join(`page=${rng.pick(['-1', '0', '-99999999'])}&limit=${rng.pick(['-5', '0', '201', '50'])}`) };
    case 6: {
      const odd = rng.pick(['&&&', '=x', 'flag', '__proto__=x', 'constructor[prototype][x]=1', 'hasOwnProperty=1', `${name}=`, `${name}=${rng.pick(ctx.foreignIds)}`]);
      return { kind: 'query:odd-keys', query: join(odd) };
    }
    default: {
      const size = rng.pick([2_000, 10_000, 20_000]);
      return { kind: 'query:huge-value', query: join(`${name}=${'9'.repeat(size)}`), oversized: size > HEADER_LIMIT - 2000 };
    }
  }
}

function latin1Garbage(rng: Rng, length: number): string {
  return Array.from({ length }, () => String.fromCharCode(rng.pick([0x20, 0x7e, 0x80, 0xa0, 0xff, 0x41 + rng.int(26), 0x22, 0x3b]))).join('');
}

/** Garbage in one header; the rest of the request is well-formed. */
function malformedHeaders(rng: Rng, ctx: FuzzContext): { kind: string; headers: Record<string, string>; as?: Identity; contentType?: string; oversized?: boolean } {
  switch (rng.int(6)) {
    case 0: {
      const t = ctx.someToken;
      const value = rng.pick([
        '',
        'Bearer',
        'Bearer ',
        'Bearer  ',
        `Bearer ${t}x`,
        `Bearer ${t.slice(0, -1)}`,
        `Bearer ${t} ${t}`,
        'Basic YWRtaW5AZGVtby50ZXN0OmRlbW8tcGFzc3dvcmQ=',
        'Token abc',
        `Bearer ${'a'.repeat(8000)}`,
        `Bearer ${latin1Garbage(rng, 40)}`,
        'Bearer null',
        'Bearer undefined',
        `Bearer ock_${latin1Garbage(rng, 20)}`,
        latin1Garbage(rng, 100),
      ]);
      return { kind: 'header:authorization', headers: { authorization: value }, as: 'garbage' };
    }
    case 1: {
      const size = rng.pick([1, 256, 257, 4000, 15_000, 20_000]);
      const value = rng.pick(['a'.repeat(size), `ock_${'x'.repeat(size)}`, latin1Garbage(rng, Math.min(size, 300)), ' ', 'null']);
      return { kind: 'header:x-api-key', headers: { 'x-api-key': value }, as: 'garbage', oversized: value.length > HEADER_LIMIT - 2000 };
    }
    case 2:
      return { kind: 'header:content-type', headers: {}, contentType: rng.pick(ODD_CONTENT_TYPES) };
    case 3:
      return { kind: 'header:x-request-id', headers: { 'x-request-id': rng.pick(ODD_REQUEST_IDS) } };
    case 4:
      return {
        kind: 'header:content-encoding',
        headers: { 'content-encoding': rng.pick(['gzip', 'br', 'deflate', 'identity', 'x-garbage']) },
      };
    default:
      return {
        kind: 'header:misc',
        headers: rng.pick<Record<string, string>>([
          { accept: 'application/xml' },
          { accept: latin1Garbage(rng, 50) },
          { 'accept-language': latin1Garbage(rng, 50) },
          { 'x-forwarded-for': latin1Garbage(rng, 30) },
          { range: 'bytes=0-1' },
          { 'if-none-match': '*' },
          { 'accept-version': '999' },
          { cookie: `${latin1Garbage(rng, 20)}=${latin1Garbage(rng, 20)}` },
        ]),
      };
  }
}

/** A path with one parameter replaced by garbage, or with its shape bent (slashes, extra segments). */
function malformedPath(op: RouteOp, rng: Rng, ctx: FuzzContext): { kind: string; path: string } {
  const values = ctx.pathValues(op, rng);
  const encoded = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeURIComponent(v)]));
  const names = op.pathParams.map((p) => p.name);
  if (names.length && rng.chance(0.75)) {
    const name = rng.pick(names);
    const odd = rng.chance(0.25) ? rng.pick(ctx.foreignIds) : rng.chance(0.2) ? rng.uuid().toUpperCase() : rng.pick(ODD_PATH_IDS);
    return { kind: `path:${name}`, path: fillPath(op.path, { ...encoded, [name]: odd }, true) };
  }
  const path = fillPath(op.path, encoded, true);
  const bent = rng.pick([`${path}/`, path.replace('/', '//'), `${path}/extra`, `${path}/..`, `${path}%20`, `${path};x=1`, path.toUpperCase()]);
  return { kind: 'path:shape', path: bent };
}

/** One malformed request for `op`, as `as`. */
export function malformedRequest(op: RouteOp, as: 'admin' | 'agent', rng: Rng, ctx: FuzzContext): FuzzRequest {
  const values = ctx.pathValues(op, rng);
  let path = fillPath(op.path, values);
  let query = queryString(Object.entries(sampleQuery(op, rng, 0.3, ctx.hint)));
  let body: string | Uint8Array | undefined = op.body ? JSON.stringify(sampleValue(op.body, rng, '', ctx.hint)) : undefined;
  let contentType: string | undefined = body !== undefined ? 'application/json' : undefined;
  let headers: Record<string, string> = {};
  let identity: Identity = as;
  let kind: string;
  let oversized = false;

  // fetch (like browsers) refuses to send a body with GET or HEAD.
  const bodyless = op.method === 'GET' || op.method === 'HEAD';
  // Shares of body, query, header and path damage; the rest of the request stays well-formed.
  const weights = [op.body ? 45 : bodyless ? 0 : 10, 30, 20, 15];
  const roll = rng.next() * weights.reduce((a, b) => a + b);
  const bodyShare = weights[0]!;
  if (roll < bodyShare) {
    const m = malformedBody(op, rng, ctx);
    kind = m.kind;
    body = m.body;
    contentType = m.contentType === '' ? undefined : 'application/json';
    oversized = !!m.oversized;
  } else if (roll < bodyShare + weights[1]!) {
    const m = malformedQuery(op, rng, ctx);
    kind = m.kind;
    query = m.query;
    oversized = !!m.oversized;
  } else if (roll < bodyShare + weights[1]! + weights[2]!) {
    const m = malformedHeaders(rng, ctx);
    kind = m.kind;
    headers = m.headers;
    identity = m.as ?? identity;
    if (m.contentType !== undefined) {
      contentType = m.contentType;
      if (!bodyless) body ??= '{}';
    }
    oversized = !!m.oversized;
  } else {
    const m = malformedPath(op, rng, ctx);
    kind = m.kind;
    path = m.path;
  }
  if (contentType !== undefined) headers['content-type'] = contentType;
  return { kind, op, as: identity, method: op.method, url: query ? `${path}?${query}` : path, headers, body, oversized };
}

/** A well-formed request with real ids: the handlers run, not only validation. */
export function validishRequest(op: RouteOp, as: 'admin' | 'agent', rng: Rng, ctx: FuzzContext): FuzzRequest {
  const path = fillPath(op.path, ctx.pathValues(op, rng));
  const query = queryString(Object.entries(sampleQuery(op, rng, 0.3, ctx.hint)));
  const body = op.body ? JSON.stringify(sampleValue(op.body, rng, '', ctx.hint)) : undefined;
  return {
    kind: 'valid-ish',
    op,
    as,
    method: op.method,
    url: query ? `${path}?${query}` : path,
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    body,
  };
}
