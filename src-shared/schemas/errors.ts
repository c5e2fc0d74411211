/** Seed 003's error format, used on every error path of both facades and the sync endpoints. */
import { z } from 'zod';

export const ERROR_CODES = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  INVALID_STATUS_TRANSITION: 409,
  CURSOR_EXPIRED: 409,
  SEQUENCE_GAP: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** `details`: per-field messages, or other context; `{}` when there is nothing to add. */
export const ErrorDetails = z.record(z.string(), z.unknown());

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: ErrorDetails,
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * An error object as stored and replayed (a sync push rejection recorded before every error
 * carried `details`, an outbox entry on a desktop): `details` may be missing there.
 */
export const StoredErrorObject = ErrorBody.shape.error.extend({ details: ErrorDetails.optional() });
export type ErrorObject = z.infer<typeof StoredErrorObject>;
