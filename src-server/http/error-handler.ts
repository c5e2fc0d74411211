/**
 * Every error leaves the API in seed 003's format. Input problems are 4xx by construction:
 * anything unrecognised is logged and answered 500 without internals.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode } from '../../src-shared/schemas/errors';
import { ApiError } from './api-error';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
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

type Issue = { instancePath?: string; message?: string; params?: { issue?: { path?: PropertyKey[]; message?: string } } };

function fieldDetails(issues: Issue[]): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.params?.issue?.path?.map(String).join('.') || issue.instancePath?.replace(/^\//, '').replaceAll('/', '.') || '_';
    details[path] ??= issue.params?.issue?.message ?? issue.message ?? 'invalid';
  }
  return details;
}

/** Maps any thrown value to the API error it should be answered with. */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  const e = err as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const details = fieldDetails(e.validation as Issue[]);
    switch (e.validationContext) {
      case 'params':
        return new ApiError('NOT_FOUND', 'resource not found', details);
      case 'querystring':
        return new ApiError('BAD_REQUEST', 'invalid query parameters', details);
      case 'headers':
        return new ApiError('BAD_REQUEST', 'invalid headers', details);
      default:
        return new ApiError('VALIDATION_FAILED', 'validation failed', details);
    }
  }
  if (e && typeof e === 'object' && typeof e.code === 'string' && FASTIFY_CODES[e.code]) {
    return new ApiError(FASTIFY_CODES[e.code]!, e.message);
  }
  const status = (e as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(BY_STATUS[status] ?? 'BAD_REQUEST', e.message || 'bad request');
  }
  return null;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const apiError = toApiError(err);
    if (apiError) {
      return reply.status(apiError.statusCode).send(apiError.toBody());
    }
    request.log.error({ err }, 'unhandled error');
    return reply
      .status(500)
      .send(new ApiError('INTERNAL_ERROR', 'internal server error', { request_id: request.id }).toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const err = new ApiError('NOT_FOUND', `route ${request.method} ${request.url.split('?')[0]} not found`);
    return reply.status(404).send(err.toBody());
  });
}
