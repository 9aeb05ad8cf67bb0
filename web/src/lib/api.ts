import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-schema';

export type Schemas = components['schemas'];
export const API_BASE = '/api/v1';

/** An error the API answered with: its message is what the console shows. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The access token lives only in this module's memory; the refresh token is an httpOnly cookie the
 * page never sees. A reload refreshes through the cookie; the token is renewed a minute before it
 * expires. Tabs refresh one at a time (Web Locks): a refresh token is spent once, and two tabs
 * spending the same one would read as theft and end the session.
 */
let access: { token: string; expiresAt: number } | null = null;
let renewTimer: ReturnType<typeof setTimeout> | undefined;

function setAccess(pair: { access_token: string; expires_in: number } | null) {
  clearTimeout(renewTimer);
  access = pair && { token: pair.access_token, expiresAt: Date.now() + pair.expires_in * 1000 };
  if (pair) {
    const renewIn = Math.max(5_000, (pair.expires_in - 60) * 1000);
    renewTimer = setTimeout(() => void refresh(), renewIn);
  }
}

export const accessToken = () => access?.token ?? null;

let refreshing: Promise<boolean> | null = null;
/** While signing out, nothing renews the session it is ending. */
let signingOut = false;

const HINT = 'sentinel_session';
/** Whether the server said a session cookie exists (a readable flag beside the httpOnly token). */
const hasSession = () => document.cookie.split('; ').some((c) => c.startsWith(`${HINT}=`));

/** Renews the access token through the cookie; false when there is no session to renew. */
export function refresh(): Promise<boolean> {
  const run = async () => {
    if (signingOut || !hasSession()) {
      setAccess(null);
      return false;
    }
    const res = await fetch(`${API_BASE}/auth/refresh`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    if (!res.ok) {
      document.cookie = `${HINT}=; Max-Age=0; Path=/; SameSite=Strict`;
      setAccess(null);
      return false;
    }
    setAccess((await res.json()) as { access_token: string; expires_in: number });
    return true;
  };
  // One refresh at a time in this tab (callers share it), and across tabs through the lock.
  refreshing ??= (
    navigator.locks ? navigator.locks.request('sentinel-refresh', run).then((ok) => ok) : run()
  ).finally(() => (refreshing = null));
  return refreshing;
}

export async function login(email: string, password: string) {
  const res = await fetch(`${API_BASE}/auth/login`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { access_token: string; expires_in: number } & ErrorBody;
  if (!res.ok) throw toError(res.status, body);
  setAccess(body);
}

/**
 * Forgets the access token first (streams and queries stop asking with it), then ends the session
 * on the server, which revokes the session's tokens and clears the cookie.
 */
export async function logout() {
  signingOut = true;
  setAccess(null);
  try {
    await fetch(`${API_BASE}/auth/logout`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).catch(() => undefined);
  } finally {
    signingOut = false;
  }
}

type ErrorBody = {
  error?: { code?: string; message?: string; details?: { issues?: { message: string; path: string }[] } };
};

function toError(status: number, body: ErrorBody | undefined): ApiError {
  const e = body?.error;
  const issues = e?.details?.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new ApiError(
    status,
    e?.code ?? 'error',
    [e?.message ?? `The server answered ${status}`, issues].filter(Boolean).join(' — '),
  );
}

const auth: Middleware = {
  async onRequest({ request }) {
    if (!access || access.expiresAt - Date.now() < 10_000) await refresh();
    // Signed out: the request is not sent (it could only be refused).
    if (!access) throw new ApiError(401, 'unauthorized', 'Signed out: sign in again');
    request.headers.set('Authorization', `Bearer ${access.token}`);
    return request;
  },
  onResponse({ response }) {
    // A token revoked elsewhere (logout in another tab, a role change): try the cookie once.
    if (response.status === 401 && access) void refresh();
    return response;
  },
};

export const client = createClient<paths>({ baseUrl: '' });
client.use(auth);

/** The data of an openapi-fetch answer, or its error thrown as an ApiError. */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (error !== undefined || !response.ok) throw toError(response.status, error as ErrorBody);
  return data as T;
}

/** A fresh Idempotency-Key for an action a user asked for once (a retry of it reuses the same). */
export const idempotencyKey = () => crypto.randomUUID();
