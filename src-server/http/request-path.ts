/** A request's path without its query string (audit entries and error messages name it). */
import type { FastifyRequest } from 'fastify';

export function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}
