/**
 * HTTP for the SDK: JSON in and out over the global fetch (Node 20 and browsers), the seed's
 * error format turned into OnCallApiError, retries of what is safe to retry, and the one
 * automatic token refresh on 401 TOKEN_EXPIRED. Refresh is single-flight because the server
 * rotates refresh tokens: two concurrent refreshes with the same token would make the second
 * one fail.
 *
 * Retries: a 429 was refused before anything ran, so any request is sent again; a 503 or a
 * network failure may have happened after the server acted, so only idempotent methods are.
 * The wait honours Retry-After (up to a minute; a longer one is left to the caller), else grows
 * exponentially with full jitter.
 */
import { API_V1 } from '../api-paths';
import type { TokenResponse } from './types';
import { apiErrorFrom, OnCallApiError, OnCallNetworkError, readRateLimit, type RateLimit } from './errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface Tokens {
  accessToken?: string;
  refreshToken?: string;
}

export interface TransportOptions extends Tokens {
  baseUrl: string;
  apiKey?: string;
  /** retries after 429, 503 and network failures (see above); default 2, 0 disables */
  maxRetries?: number;
  /** first backoff step when the server gives no Retry-After; default 500 ms */
  retryBaseMs?: number;
  fetch?: FetchLike;
  /** called with every new token pair (sign-in and refresh) so the caller can persist it */
  onTokens?: (tokens: TokenResponse) => void | Promise<void>;
  /** per request, default 30 s; streams (sync events) have none */
  timeoutMs?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  signal?: AbortSignal;
  /** sign-in and refresh carry no credential and are never refreshed */
  anonymous?: boolean;
  /** for streams: no timeout, the caller's signal ends it */
  stream?: boolean;
  headers?: Record<string, string>;
  /** the path is complete (e.g. under /v1/oncall); otherwise it is under /api/v1 */
  absolute?: boolean;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const MAX_WAIT_MS = 60_000;

/** Retry-After in seconds or as an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function queryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null) params.append(k, String(v));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class Transport {
  readonly baseUrl: string;
  accessToken: string | undefined;
  refreshToken: string | undefined;
  apiKey: string | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly onTokens: TransportOptions['onTokens'];
  private readonly timeoutMs: number;
  private refreshing: Promise<TokenResponse> | null = null;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  /** the X-RateLimit-* headers of the latest answer */
  rateLimit: RateLimit | undefined;

  constructor(options: TransportOptions) {
    this.maxRetries = options.maxRetries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.accessToken = options.accessToken;
    this.refreshToken = options.refreshToken;
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.onTokens = options.onTokens;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Sends one request (retried as above); returns the raw Response when it is 2xx. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const usedToken = this.accessToken;
    const res = await this.withRetries(method, path, options);
    if (res.ok) return res;
    const error = apiErrorFrom(res.status, await readText(res), res.headers);
    if (error.status === 401 && error.code === 'TOKEN_EXPIRED' && !options.anonymous && this.refreshToken) {
      // Another request may already have refreshed: then just retry with the new token.
      if (this.accessToken === usedToken) await this.refreshSingleFlight();
      const retry = await this.withRetries(method, path, options);
      if (retry.ok) return retry;
      throw apiErrorFrom(retry.status, await readText(retry), retry.headers);
    }
    throw error;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    if (res.status === 204) return undefined as T;
    const text = await readText(res);
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (cause) {
      throw new OnCallNetworkError(`invalid JSON from ${method} ${path}`, { cause });
    }
  }

  /** Sets the pair from a sign-in or refresh answer and tells the owner. */
  async acceptTokens(tokens: TokenResponse): Promise<void> {
    this.accessToken = tokens.access_token;
    this.refreshToken = tokens.refresh_token;
    await this.onTokens?.(tokens);
  }

  refreshSingleFlight(): Promise<TokenResponse> {
    this.refreshing ??= (async () => {
      try {
        if (!this.refreshToken) throw new OnCallApiError(401, { code: 'UNAUTHORIZED', message: 'no refresh token' });
        const tokens = await this.json<TokenResponse>('POST', '/auth/refresh', {
          body: { refresh_token: this.refreshToken },
          anonymous: true,
        });
        await this.acceptTokens(tokens);
        return tokens;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async withRetries(method: string, path: string, options: RequestOptions): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      let failure: unknown;
      try {
        res = await this.sendOnce(method, path, options);
      } catch (err) {
        if (!(err instanceof OnCallNetworkError)) throw err;
        failure = err;
      }
      const retryable = res ? res.status === 429 || (res.status === 503 && IDEMPOTENT.has(method)) : IDEMPOTENT.has(method);
      const asked = res ? retryAfterMs(res.headers.get('retry-after')) : undefined;
      // A wait longer than a minute is the caller's decision (the error carries retryAfter).
      if (!retryable || attempt >= this.maxRetries || options.stream || (asked ?? 0) > MAX_WAIT_MS) {
        if (res) return res;
        throw failure;
      }
      const wait = asked ?? Math.random() * this.retryBaseMs * 2 ** attempt;
      await res?.body?.cancel().catch(() => undefined);
      await sleep(wait, options.signal);
    }
  }

  private async sendOnce(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (!options.anonymous) {
      if (this.apiKey) headers['x-api-key'] = this.apiKey;
      else if (this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const signals = [options.signal, options.stream ? undefined : AbortSignal.timeout(this.timeoutMs)].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const url = `${this.baseUrl}${options.absolute ? '' : API_V1}${path}${queryString(options.query)}`;
    try {
      const res = await this.fetchImpl(url, { method, headers, body, signal });
      this.rateLimit = readRateLimit(res.headers) ?? this.rateLimit;
      return res;
    } catch (cause) {
      // The caller's own abort stays an abort; everything else is "could not reach the API".
      if (options.signal?.aborted) throw options.signal.reason ?? cause;
      const why = cause instanceof Error && cause.name === 'TimeoutError' ? 'timed out' : 'failed';
      throw new OnCallNetworkError(`${method} ${path} ${why}: ${describe(cause)}`, { cause });
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

async function readText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch (cause) {
    throw new OnCallNetworkError(`the response body was cut off: ${describe(cause)}`, { cause });
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
