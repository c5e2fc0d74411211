/** A tiny client for tests: real HTTP with fetch, JSON in and out, credentials per call. */
import { PASSWORD } from './api-server';

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface Credential {
  token?: string;
  apiKey?: string;
}

export class Http {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; as?: Credential; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as?.token) headers.authorization = `Bearer ${options.as.token}`;
    if (options.as?.apiKey) headers['x-api-key'] = options.as.apiKey;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, as?: Credential) {
    return this.request<T>('GET', path, { as });
  }
  post<T = any>(path: string, body: unknown, as?: Credential) {
    return this.request<T>('POST', path, { body, as });
  }
  patch<T = any>(path: string, body: unknown, as?: Credential) {
    return this.request<T>('PATCH', path, { body, as });
  }
  delete<T = any>(path: string, as?: Credential) {
    return this.request<T>('DELETE', path, { as });
  }

  /** Signs in one of the seeded users, e.g. `agent1@demo.test`. */
  async login(email: string): Promise<Session> {
    const res = await this.post('/api/v1/auth/login', { email, password: PASSWORD });
    if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
    return {
      token: res.body.access_token,
      refreshToken: res.body.refresh_token,
      user: res.body.user,
    };
  }
}

export interface Session extends Credential {
  token: string;
  refreshToken: string;
  user: { id: string; organization_id: string; role: string; name: string; email: string };
}

/** Asserts seed 003's error format and returns the error object. */
export function errorOf(res: Res): { code: string; message: string; details?: Record<string, unknown> } {
  const err = res.body?.error;
  if (!err || typeof err.code !== 'string' || typeof err.message !== 'string') {
    throw new Error(`not in the error format: ${res.status} ${res.text}`);
  }
  return err;
}
