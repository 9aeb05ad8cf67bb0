import type { Context, MiddlewareHandler, Next } from 'hono';
import { findActiveApiKey, type ActiveApiKey } from '../../db/platform/api-keys.js';
import type { Db } from '../../db/pool.js';
import { allows, can, keyPermissions, type Permission } from '../../lib/roles.js';
import type { Revocations } from '../auth/revocations.js';
import { sha256, type AccessClaims, type TokenService } from '../auth/tokens.js';
import type { AppEnv, Principal } from '../env.js';
import { forbidden, unauthorized } from '../errors.js';

/**
 * Who is calling: staff by `Authorization: Bearer <jwt>`, services by `X-API-Key`. The principal's
 * organisation scopes every query of the request. A caller seen lately (a verified token, a key's
 * row) is answered without a promise: the read path pays no turn for it.
 */
export type Authenticator = (c: Context<AppEnv>) => Principal | Promise<Principal>;

/** A key's row is reused this long; a revocation still ends it within a poll (api/auth/revocations.ts). */
const API_KEY_CACHE_MS = 30_000;

/** `f(v)`, without a promise turn when `v` is already there. */
const andThen = <T, R>(v: T | Promise<T>, f: (v: T) => R | Promise<R>): R | Promise<R> =>
  v instanceof Promise ? v.then(f) : f(v);

export function createAuthenticator(deps: {
  db: Db;
  tokens: TokenService;
  revocations: Revocations;
}): Authenticator {
  const keys = new Map<string, { key: ActiveApiKey; until: number; ownerVersion: number }>();
  // The first read of revocations completes before any request is authenticated.
  const unlessRevoked = (principal: Principal, onRevoked: () => never): Principal | Promise<Principal> =>
    andThen(deps.revocations.isReady ? undefined : deps.revocations.ready(), () =>
      deps.revocations.isRevoked(principal) ? onRevoked() : principal,
    );

  const fromClaims = (claims: AccessClaims | null) => {
    if (!claims) throw unauthorized('The access token is invalid or expired');
    const principal: Principal = {
      orgId: claims.org,
      role: claims.role,
      actorType: 'user',
      actorId: claims.sub,
      tokenVersion: claims.ver,
      sessionId: claims.sid,
    };
    return unlessRevoked(principal, () => {
      throw unauthorized('The session was revoked; sign in again');
    });
  };

  const fromKey = (hash: string, { key }: { key: ActiveApiKey }) => {
    const revoked = (): never => {
      keys.delete(hash);
      throw unauthorized('The API key is invalid or revoked');
    };
    if (key.expires_at !== null && Date.parse(key.expires_at) <= Date.now()) revoked();
    const principal: Principal = {
      orgId: key.org_id,
      role: key.role,
      actorType: 'api_key',
      actorId: key.id,
      permissions: keyPermissions(key.role, key.owner_role, key.scopes),
    };
    return unlessRevoked(principal, revoked);
  };

  return (c) => {
    // Browsers' EventSource cannot send headers: the streams also take ?access_token=.
    const streamToken =
      c.req.method === 'GET' && c.req.path.includes('/stream/') ? c.req.query('access_token') : undefined;
    const header = c.req.header('authorization') ?? (streamToken ? `Bearer ${streamToken}` : undefined);
    const apiKey = c.req.header('x-api-key');
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token)
        throw unauthorized('Use Authorization: Bearer <token>');
      return andThen(deps.tokens.verifyAccess(token), fromClaims);
    }
    if (apiKey) {
      const hash = sha256(apiKey);
      const cached = keys.get(hash);
      // A change to the owner's role or status (their token version) is read again at once.
      const ownerVersion = (key: ActiveApiKey) =>
        key.owner_user_id ? deps.revocations.version(key.owner_user_id) : 0;
      if (cached && cached.until > Date.now() && cached.ownerVersion === ownerVersion(cached.key))
        return fromKey(hash, cached);
      // Also stamps last_used_at, once per TTL.
      return findActiveApiKey(deps.db, hash).then((key) => {
        if (!key) throw unauthorized('The API key is invalid or revoked');
        const entry = { key, until: Date.now() + API_KEY_CACHE_MS, ownerVersion: ownerVersion(key) };
        keys.set(hash, entry);
        if (keys.size > 10_000) keys.delete(keys.keys().next().value!);
        return fromKey(hash, entry);
      });
    }
    throw unauthorized();
  };
}

/** Authenticates the caller and checks the one permission the route declares. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  const admit = (c: Context<AppEnv, string>, next: Next, principal: Principal) => {
    if (!allows(principal, permission))
      throw forbidden(
        principal.permissions && can(principal.role, permission)
          ? `This API key lacks ${permission} (its scopes, or its owner's role, do not include it)`
          : `Your role (${principal.role}) lacks ${permission}`,
      );
    c.set('principal', principal);
    return c.get('limitCaller')(c, next);
  };
  return (c, next) => {
    const found = c.get('authenticate')(c);
    return found instanceof Promise ? found.then((p) => admit(c, next, p)) : admit(c, next, found);
  };
}
