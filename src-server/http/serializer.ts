/**
 * How answers become JSON. fastify-type-provider-zod's serializer runs a full zod parse of every
 * answer before JSON.stringify: for a page of 50 calls that parse cost as much as the
 * stringify itself (uuid patterns, enums, 1,000 fields), on every request, to check data the
 * server built from its own typed rows. Fastify's way is fast-json-stringify compiled from the
 * response schema: it writes exactly the declared properties (an undeclared field, such as a
 * column a route forgot to leave out, is dropped as zod's parse drops it) and checks nothing.
 * The check lives in tests instead: the suite's servers hold every answer to the OpenAPI
 * document (OPENAPI_RESPONSE_CHECK=1, src-server/openapi/response-check.ts).
 *
 * Only plain schemas are compiled (objects, arrays, primitives, enums, nullable values, free-form
 * records). A union, a transform or a recursive schema keeps the zod serializer, whose meaning
 * fast-json-stringify would not reproduce exactly.
 */
import fastJson from 'fast-json-stringify';
import type { FastifyReply } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type Json = Record<string, unknown>;

/** JSON Schema keywords fast-json-stringify would treat differently from zod (or try at run time). */
const NOT_PLAIN = ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'if', 'then', 'else', 'prefixItems', 'patternProperties', 'dependentSchemas'];
const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

/**
 * zod writes `x.nullable()` as `anyOf: [x, {type: 'null'}]`, which fast-json-stringify resolves
 * per value at run time; a primitive's nullable form is the same as `type: [x, 'null']`.
 */
function simplified(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplified);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = simplified(value);
  const anyOf = out.anyOf as Json[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const other = anyOf.find((s) => s.type !== 'null');
    const onlyNull = anyOf.find((s) => s.type === 'null' && Object.keys(s).length === 1);
    if (other && onlyNull && typeof other.type === 'string' && PRIMITIVES.has(other.type) && !NOT_PLAIN.some((k) => k in other)) {
      delete out.anyOf;
      Object.assign(out, other, { type: [other.type, 'null'] });
    }
  }
  return out;
}

function isPlain(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(isPlain);
  if (!node || typeof node !== 'object') return true;
  return Object.entries(node).every(([key, value]) => !NOT_PLAIN.includes(key) && isPlain(value));
}

/** The JSON Schema fast-json-stringify can serialise a zod schema's output with, or null. */
export function plainJsonSchema(schema: z.ZodType): Json | null {
  let json: unknown;
  try {
    // A registry of its own: the global one names schemas (OpenAPI components), which would
    // turn them into $refs; here everything is inlined.
    json = z.toJSONSchema(schema, { target: 'draft-07', io: 'output', unrepresentable: 'throw', cycles: 'throw', reused: 'inline', metadata: z.registry() });
  } catch {
    return null;
  }
  const simple = simplified(json) as Json;
  delete simple.$schema;
  return isPlain(simple) ? simple : null;
}

type SerializerCompiler = typeof zodSerializerCompiler;

export const serializerCompiler: SerializerCompiler = (route) => {
  const schema = route.schema as unknown;
  const zodSchema = schema instanceof z.ZodType ? schema : null;
  const json = zodSchema ? plainJsonSchema(zodSchema) : null;
  if (!json) return zodSerializerCompiler(route);
  return fastJson(json) as (data: unknown) => string;
};

/**
 * Answers JSON text already written in the shape of the route's response schema (the calls
 * list on SQLite, domain/calls-list.ts). Fastify sends a body with a JSON content type as it
 * is, past the serializer; the suite's response check still holds it to the OpenAPI document.
 * Sent as its UTF-8 bytes: a string of ~32 KB was read twice, once by Fastify for its
 * Content-Length (Buffer.byteLength) and again by Node to encode it into the socket.
 */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(Buffer.from(text));
}
