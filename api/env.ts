import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { Permission, Role } from '../lib/roles.js';

export type Principal = {
  orgId: string;
  role: Role;
  actorType: 'user' | 'api_key';
  actorId: string;
  /** A user's access token version (api/auth/revocations.ts). */
  tokenVersion?: number;
  /** The session a user's access token was issued in: logging out of it revokes the token. */
  sessionId?: string | undefined;
  /** An API key's permissions (its role's, within its owner's role and its scopes): check with allows(). */
  permissions?: ReadonlySet<Permission>;
};

/** Hono's per-request variables. */
export type AppEnv = {
  Variables: {
    /** The server's id of this request (X-Request-ID of the answer; logs, errors, audit rows). */
    requestId: string;
    /** The client's own X-Request-ID when it sent a plain one: logged and audited beside ours. */
    clientRequestId?: string | undefined;
    /** The client's address (api/client-address.ts: the peer, or what our proxies say it is). */
    clientIp: string;
    log: Logger;
    principal: Principal;
    /** Answers at once for a caller seen lately (api/middleware/auth.ts). */
    authenticate: (c: Context<AppEnv>) => Principal | Promise<Principal>;
    /** The per-caller request limit, applied once the caller is known. */
    limitCaller: MiddlewareHandler<AppEnv>;
  };
};
