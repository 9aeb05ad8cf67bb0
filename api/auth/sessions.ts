import { randomUUID } from 'node:crypto';
import * as tokensDb from '../../db/platform/refresh-tokens.js';
import type { Db } from '../../db/pool.js';
import type { Role } from '../../lib/roles.js';
import { unauthorized } from '../errors.js';
import { newSecret, sha256, type TokenService } from './tokens.js';

export type TokenPair = {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
};

/**
 * Refresh tokens rotate: each refresh spends the token and issues the next of its family. A spent
 * token presented again means it leaked, so the whole family is revoked (RFC 6819 §5.2.2.3).
 */
export class SessionService {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly refreshTtlSeconds: number,
  ) {}

  async issue(
    user: { id: string; org_id: string; role: Role },
    familyId: string = randomUUID(),
  ): Promise<TokenPair> {
    const refresh = newSecret();
    await tokensDb.insertRefreshToken(this.db, {
      orgId: user.org_id,
      userId: user.id,
      familyId,
      tokenHash: sha256(refresh),
      ttlSeconds: this.refreshTtlSeconds,
    });
    return {
      access_token: await this.tokens.signAccess({ sub: user.id, org: user.org_id, role: user.role }),
      refresh_token: refresh,
      token_type: 'Bearer',
      expires_in: this.tokens.accessTtlSeconds,
    };
  }

  async refresh(refreshToken: string, lookupRole: (orgId: string, userId: string) => Promise<Role | null>) {
    const row = await tokensDb.findRefreshToken(this.db, sha256(refreshToken));
    if (!row || row.revoked_at) throw unauthorized('The refresh token is invalid or revoked');
    if (row.rotated_at || !(await tokensDb.markRotated(this.db, row.org_id, row.id))) {
      await tokensDb.revokeFamily(this.db, row.org_id, row.family_id);
      throw unauthorized('The refresh token was already used; the session is revoked');
    }
    if (Date.parse(row.expires_at) <= Date.now()) throw unauthorized('The refresh token has expired');
    const role = await lookupRole(row.org_id, row.user_id);
    if (!role) {
      await tokensDb.revokeFamily(this.db, row.org_id, row.family_id);
      throw unauthorized('The account is disabled');
    }
    return this.issue({ id: row.user_id, org_id: row.org_id, role }, row.family_id);
  }

  /** Ends the session: the token's whole family is revoked. Unknown tokens are ignored (logout is idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const row = await tokensDb.findRefreshToken(this.db, sha256(refreshToken));
    if (row) await tokensDb.revokeFamily(this.db, row.org_id, row.family_id);
  }
}
