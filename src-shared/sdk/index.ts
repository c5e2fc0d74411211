/** The typed SDK of the central API (docs/sdk.md). Runs anywhere fetch does. */
export { OnCallClient, type OnCallClientOptions } from './client';
export { OnCallApiError, OnCallNetworkError, isTransient, type RateLimit } from './errors';
export { ENVIRONMENTS, resolveBaseUrl, type Environment } from './environments';
export { paginate, type AnyPage } from './pagination';
export { signWebhook, verifyWebhook, WebhookVerificationError } from './webhooks';
export type { FetchLike } from './transport';
export type { EventsOptions } from './sse';
