import type { Context, MiddlewareHandler } from 'hono';
import { findActiveApiKey, type ApiKeyRow } from '../../db/platform/api-keys.js';
import type { Db } from '../../db/pool.js';
import { can, type Permission } from '../../lib/roles.js';
import type { Revocations } from '../auth/revocations.js';
import { sha256, type TokenService } from '../auth/tokens.js';
import type { AppEnv, Principal } from '../env.js';
import { forbidden, unauthorized } from '../errors.js';

export type Authenticator = (c: Context<AppEnv>) => Promise<Principal>;

/**
 * Who is calling: staff by `Authorization: Bearer <jwt>`, services by `X-API-Key`. The principal's
 * organisation scopes every query of the request.
 */
/** A key's row is reused this long; a revocation still ends it within a poll (api/auth/revocations.ts). */
const API_KEY_CACHE_MS = 30_000;

export function createAuthenticator(deps: {
  db: Db;
  tokens: TokenService;
  revocations: Revocations;
}): Authenticator {
  const keys = new Map<string, { key: ApiKeyRow; until: number }>();
  return async (c) => {
    // Browsers' EventSource cannot send headers: the streams also take ?access_token=.
    const streamToken =
      c.req.method === 'GET' && c.req.path.includes('/stream/') ? c.req.query('access_token') : undefined;
    const header = c.req.header('authorization') ?? (streamToken ? `Bearer ${streamToken}` : undefined);
    const apiKey = c.req.header('x-api-key');
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token)
        throw unauthorized('Use Authorization: Bearer <token>');
      const claims = await deps.tokens.verifyAccess(token);
      if (!claims) throw unauthorized('The access token is invalid or expired');
      const principal: Principal = {
        orgId: claims.org,
        role: claims.role,
        actorType: 'user',
        actorId: claims.sub,
        tokenVersion: claims.ver,
      };
      await deps.revocations.ready();
      if (deps.revocations.isRevoked(principal)) throw unauthorized('The session was revoked; sign in again');
      return principal;
    }
    if (apiKey) {
      const hash = sha256(apiKey);
      const now = Date.now();
      let cached = keys.get(hash);
      if (!cached || cached.until <= now) {
        const key = await findActiveApiKey(deps.db, hash); // also stamps last_used_at, once per TTL
        if (!key) throw unauthorized('The API key is invalid or revoked');
        cached = { key, until: now + API_KEY_CACHE_MS };
        keys.set(hash, cached);
        if (keys.size > 10_000) keys.delete(keys.keys().next().value!);
      }
      const { key } = cached;
      const principal: Principal = {
        orgId: key.org_id,
        role: key.role,
        actorType: 'api_key',
        actorId: key.id,
      };
      await deps.revocations.ready();
      if (deps.revocations.isRevoked(principal) || (key.expires_at && Date.parse(key.expires_at) <= now)) {
        keys.delete(hash);
        throw unauthorized('The API key is invalid or revoked');
      }
      return principal;
    }
    throw unauthorized();
  };
}

/** Authenticates the caller and checks the one permission the route declares. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await c.get('authenticate')(c);
    if (!can(principal.role, permission))
      throw forbidden(`Your role (${principal.role}) lacks ${permission}`);
    c.set('principal', principal);
    await c.get('limitCaller')(c, next);
  };
}
