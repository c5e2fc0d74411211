/** The typed SDK of the central API (docs/sdk.md). Runs anywhere fetch does. */
export { OnCallClient, type OnCallClientOptions } from './client';
export { OnCallApiError, OnCallNetworkError, isTransient } from './errors';
export type { FetchLike } from './transport';
export type { EventsOptions } from './sse';
