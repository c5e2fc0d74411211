/** The two failures an SDK caller tells apart: the API answered with an error, or it could not be reached. */
import type { ErrorObject } from './types';

/** Seed 003's rate-limit headers of an answer. */
export interface RateLimit {
  limit: number;
  remaining: number;
  /** when the window resets, Unix time in seconds */
  reset: number;
}

export function readRateLimit(headers: Headers | undefined): RateLimit | undefined {
  const limit = headers?.get('x-ratelimit-limit');
  if (!headers || limit == null) return undefined;
  return { limit: Number(limit), remaining: Number(headers.get('x-ratelimit-remaining')), reset: Number(headers.get('x-ratelimit-reset')) };
}

/** The API answered with seed 003's error format (or a non-JSON error page, mapped to it). */
export class OnCallApiError extends Error {
  override readonly name: string = 'OnCallApiError';
  readonly status: number;
  readonly code: string;
  /** always an object (`{}` when the server had nothing to add) */
  readonly details: Record<string, unknown>;
  /** the server's X-Request-Id, to quote when reporting a problem */
  readonly requestId: string | undefined;
  /** seconds the server asked to wait (429, 503), from Retry-After */
  readonly retryAfter: number | undefined;
  readonly rateLimit: RateLimit | undefined;

  constructor(status: number, error: ErrorObject, headers?: Headers) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.details = error.details ?? {};
    this.requestId = headers?.get('x-request-id') ?? undefined;
    const retry = headers?.get('retry-after');
    this.retryAfter = retry && /^\d+$/.test(retry) ? Number(retry) : undefined;
    this.rateLimit = readRateLimit(headers);
  }

  toJSON(): ErrorObject & { status: number } {
    return { status: this.status, code: this.code, message: this.message, details: this.details };
  }
}

/** The request never got an HTTP answer: DNS, refused connection, reset, timeout, bad stream. */
export class OnCallNetworkError extends Error {
  override readonly name = 'OnCallNetworkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/*
 * One subclass per status seed 003 lists (the Python SDK has the same names), so a caller can
 * `catch (e) { if (e instanceof RateLimitError) ... }`; every one is still an OnCallApiError.
 */
export class BadRequestError extends OnCallApiError {
  override readonly name = 'BadRequestError';
}
export class AuthenticationError extends OnCallApiError {
  override readonly name = 'AuthenticationError';
}
export class PermissionDeniedError extends OnCallApiError {
  override readonly name = 'PermissionDeniedError';
}
export class NotFoundError extends OnCallApiError {
  override readonly name = 'NotFoundError';
}
export class ConflictError extends OnCallApiError {
  override readonly name = 'ConflictError';
}
export class ValidationError extends OnCallApiError {
  override readonly name = 'ValidationError';
}
export class RateLimitError extends OnCallApiError {
  override readonly name = 'RateLimitError';
}
export class ServerError extends OnCallApiError {
  override readonly name: string = 'ServerError';
}
export class ServiceUnavailableError extends ServerError {
  override readonly name = 'ServiceUnavailableError';
}

const BY_STATUS: Record<number, typeof OnCallApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: ValidationError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

function errorFor(status: number, error: ErrorObject, headers?: Headers): OnCallApiError {
  const Class = BY_STATUS[status] ?? (status >= 500 ? ServerError : OnCallApiError);
  return new Class(status, error, headers);
}

/** Reads an error response; anything not in the seed's format still becomes an OnCallApiError. */
export function apiErrorFrom(status: number, bodyText: string, headers?: Headers): OnCallApiError {
  try {
    const body: unknown = JSON.parse(bodyText);
    const err = isRecord(body) ? body.error : undefined;
    if (isRecord(err) && typeof err.code === 'string' && typeof err.message === 'string') {
      return errorFor(
        status,
        { code: err.code, message: err.message, ...(isRecord(err.details) ? { details: err.details } : {}) },
        headers,
      );
    }
  } catch {
    // not JSON: a proxy's or load balancer's page
  }
  const snippet = bodyText.slice(0, 200).trim();
  return errorFor(status, { code: `HTTP_${status}`, message: snippet || `HTTP ${status}` }, headers);
}

/** True for errors worth retrying later as they are: unreachable, 5xx, rate limited. */
export function isTransient(err: unknown): boolean {
  if (err instanceof OnCallNetworkError) return true;
  return err instanceof OnCallApiError && (err.status >= 500 || err.status === 429);
}
