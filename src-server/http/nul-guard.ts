/**
 * Text with a NUL character (U+0000) is refused before any handler runs, in bodies (422) and
 * query strings (400) alike: PostgreSQL cannot store it in a text column (the write failed as a 500)
 * while SQLite would keep it, so without this the two stores would answer the same request
 * differently. No field of the API has a use for it.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error';

const NUL = '\u0000';

/** The path of the first key or string holding a NUL (depth-limited: bodies are small JSON). */
function nulAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path || 'body' : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes(NUL)) return here;
    const found = nulAt(inner, here, depth + 1);
    if (found) return found;
  }
  return null;
}

export function registerNulGuard(app: FastifyInstance): void {
  // A plain (callback) hook, not an async one: it runs before every handler and almost always
  // finds nothing, which then costs no promise and no trip through the microtask queue.
  app.addHook('preValidation', (req, _reply, done) => {
    const why = 'must not contain the NUL character (U+0000)';
    // as the other refusals of each part: a body 422, a query 400
    const inBody = nulAt(req.body, '');
    if (inBody) return done(new ApiError('VALIDATION_FAILED', 'validation failed', { [inBody]: why }));
    const inQuery = nulAt(req.query, '');
    if (inQuery) return done(new ApiError('BAD_REQUEST', `query parameter ${inQuery} ${why}`, { [inQuery]: why }));
    done();
  });
}
