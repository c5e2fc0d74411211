/**
 * HTTP for the SDK: JSON in and out over the global fetch (Node 20 and browsers), the seed's
 * error format turned into OnCallApiError, and the one automatic token refresh on
 * 401 TOKEN_EXPIRED. Refresh is single-flight because the server rotates refresh tokens: two
 * concurrent refreshes with the same token would make the second one fail.
 */
import { API_V1 } from '../api-paths';
import type { TokenResponse } from '../schemas/auth';
import { apiErrorFrom, OnCallApiError, OnCallNetworkError } from './errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface Tokens {
  accessToken?: string;
  refreshToken?: string;
}

export interface TransportOptions extends Tokens {
  baseUrl: string;
  apiKey?: string;
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

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.accessToken = options.accessToken;
    this.refreshToken = options.refreshToken;
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.onTokens = options.onTokens;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Sends one request under /api/v1; returns the raw Response when it is 2xx. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const usedToken = this.accessToken;
    const res = await this.sendOnce(method, path, options);
    if (res.ok) return res;
    const error = apiErrorFrom(res.status, await res.text());
    if (error.status === 401 && error.code === 'TOKEN_EXPIRED' && !options.anonymous && this.refreshToken) {
      // Another request may already have refreshed: then just retry with the new token.
      if (this.accessToken === usedToken) await this.refreshSingleFlight();
      const retry = await this.sendOnce(method, path, options);
      if (retry.ok) return retry;
      throw apiErrorFrom(retry.status, await retry.text());
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
    const url = `${this.baseUrl}${API_V1}${path}${queryString(options.query)}`;
    try {
      return await this.fetchImpl(url, { method, headers, body, signal });
    } catch (cause) {
      // The caller's own abort stays an abort; everything else is "could not reach the API".
      if (options.signal?.aborted) throw options.signal.reason ?? cause;
      const why = cause instanceof Error && cause.name === 'TimeoutError' ? 'timed out' : 'failed';
      throw new OnCallNetworkError(`${method} ${path} ${why}: ${describe(cause)}`, { cause });
    }
  }
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
