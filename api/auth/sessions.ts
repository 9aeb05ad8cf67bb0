import { randomUUID } from 'node:crypto';
import * as tokensDb from '../../db/platform/refresh-tokens.js';
import type { Db } from '../../db/pool.js';
import type { Role } from '../../lib/roles.js';
import { unauthorized } from '../errors.js';
import { newSecret, sha256, type TokenService } from './tokens.js';

export type SessionUser = { id: string; org_id: string; role: Role; token_version: number };

export type TokenPair = {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
};

/**
 * Refresh tokens rotate: each refresh spends the token and issues the next of its family. A spent
 * token presented again means it leaked, so the whole family is revoked (RFC 6819 §5.2.2.3).
 * Refreshing slides the session along, up to an absolute age (`sessionMaxSeconds`, 30 days by
 * default) from the login: then the user signs in again.
 */
export class SessionService {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly refreshTtlSeconds: number,
    private readonly sessionMaxSeconds: number,
  ) {}

  async issue(
    user: SessionUser,
    session: { familyId: string; startedAt: string | null } = { familyId: randomUUID(), startedAt: null },
  ): Promise<TokenPair> {
    const refresh = newSecret();
    await tokensDb.insertRefreshToken(this.db, {
      orgId: user.org_id,
      userId: user.id,
      familyId: session.familyId,
      tokenHash: sha256(refresh),
      ttlSeconds: this.refreshTtlSeconds,
      sessionStartedAt: session.startedAt,
      sessionMaxSeconds: this.sessionMaxSeconds,
    });
    return {
      access_token: await this.tokens.signAccess({
        sub: user.id,
        org: user.org_id,
        role: user.role,
        ver: user.token_version,
        sid: session.familyId,
      }),
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: this.tokens.accessTtlSeconds,
    };
  }

  async refresh(
    refreshToken: string,
    lookupUser: (orgId: string, userId: string) => Promise<SessionUser | null>,
  ) {
    const row = await tokensDb.findRefreshToken(this.db, sha256(refreshToken));
    if (!row || row.revoked_at) throw unauthorized('The refresh token is invalid or revoked');
    if (row.rotated_at || !(await tokensDb.markRotated(this.db, row.org_id, row.id))) {
      await tokensDb.revokeFamily(this.db, row.org_id, row.family_id);
      throw unauthorized('The refresh token was already used; the session is revoked');
    }
    if (Date.parse(row.session_started_at) + this.sessionMaxSeconds * 1000 <= Date.now()) {
      await tokensDb.revokeFamily(this.db, row.org_id, row.family_id);
      throw unauthorized('The session has reached its maximum age; sign in again');
    }
    if (Date.parse(row.expires_at) <= Date.now()) throw unauthorized('The refresh token has expired');
    const user = await lookupUser(row.org_id, row.user_id);
    if (!user) {
      await tokensDb.revokeFamily(this.db, row.org_id, row.family_id);
      throw unauthorized('The account is disabled');
    }
    return this.issue(user, { familyId: row.family_id, startedAt: row.session_started_at });
  }

  /**
   * Ends the session: the token's whole family is revoked, and with it the access tokens issued in
   * it (their `sid`). Unknown tokens are ignored (logout is idempotent). Answers the session's id.
   */
  async logout(refreshToken: string): Promise<string | undefined> {
    const row = await tokensDb.findRefreshToken(this.db, sha256(refreshToken));
    if (!row) return undefined;
    await tokensDb.revokeFamily(this.db, row.org_id, row.family_id);
    return row.family_id;
  }
}
