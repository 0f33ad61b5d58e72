import { identity, secret } from './secrets.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The Set-Cookie header lines. */
  cookies: string[];
}

export interface RequestOptions {
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
  /** A raw body sent as is (with headers['content-type']). */
  raw?: string;
}

/** Any JSON response body, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are asserted field by field
export type Json = any;

/**
 * A small fetch wrapper for HTTP tests against a real server. The base URL
 * may be given as a function, read at each request, for a suite whose
 * server starts in beforeAll (`apiClient(() => server.url)`).
 */
export function apiClient(baseUrl: string | (() => string)) {
  const base = typeof baseUrl === 'function' ? baseUrl : () => baseUrl;
  async function request<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let payload: string | undefined;
    if (options.raw !== undefined) {
      payload = options.raw;
    } else if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = JSON.stringify(body);
    }
    if (options.token) {
      headers.authorization = `Bearer ${options.token}`;
    }
    if (options.cookie) {
      headers.cookie = options.cookie;
    }
    const res = await fetch(`${base()}${path}`, { method, headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text.length > 0) {
      parsed = JSON.parse(text);
    }
    return {
      status: res.status,
      headers: res.headers,
      body: parsed as T,
      cookies: res.headers.getSetCookie(),
    };
  }
  return {
    request,
    get: <T = Json>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
    post: <T = Json>(path: string, body?: unknown, options?: RequestOptions) =>
      request<T>('POST', path, body, options),
    delete: <T = Json>(path: string, body?: unknown, options?: RequestOptions) =>
      request<T>('DELETE', path, body, options),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

let counter = 0;

/** A unique, valid account for one test; the password is recorded for the log audit. */
export function newAccount(prefix = 'user') {
  counter++;
  const tag = `${prefix}${counter}${Math.random().toString(36).slice(2, 7)}`.toLowerCase().slice(0, 32);
  return {
    username: identity(tag),
    email: identity(`${tag}@example.com`),
    password: secret(`pw-${tag}-Tz8#river stone`),
  };
}

/** Registers and signs in; returns the token and the cookie pair. */
export async function registerAndLogin(api: ApiClient, account = newAccount()) {
  const reg = await api.post('/api/auth/register', account);
  if (reg.status !== 201) {
    throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  }
  const login = await api.post('/api/auth/login', { username: account.username, password: account.password });
  if (login.status !== 200) {
    throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  }
  const token = secret(String(login.body.accessToken));
  const cookie = (login.cookies[0] ?? '').split(';')[0] ?? '';
  return { account, token, cookie: secret(cookie), user: login.body.user };
}
