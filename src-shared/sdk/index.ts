/** The typed SDK of the central API (docs/sdk.md). Runs anywhere fetch does. */
export { OnCallClient, type OnCallClientOptions } from './client';
export {
  OnCallApiError,
  OnCallNetworkError,
  isTransient,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  ValidationError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  type RateLimit,
} from './errors';
export { ENVIRONMENTS, resolveBaseUrl, type Environment } from './environments';
export { paginate, type AnyPage } from './pagination';
export { signWebhook, verifyWebhook, WebhookVerificationError, type VerifyOptions, type WebhookHeaders } from './webhooks';
export type { CallOptions, OnCallResource, OnCallResources } from './oncall-resources';
export type { AdminResources } from './admin-resources';
export type { FetchLike } from './transport';
export type { EventsOptions } from './sse';
export type * from './types';
