import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ROLES, type Role } from '../../lib/roles.js';

/**
 * `ver`: the user's token version at signing; revoking their sessions raises it. `sid`: the session
 * (refresh-token family) it was issued in; logging out of that session revokes it (api/auth/revocations.ts).
 */
export type AccessClaims = { sub: string; org: string; role: Role; ver: number; sid?: string | undefined };

/** Verified tokens kept per replica: a token is immutable, so only its expiry needs checking again. */
const VERIFIED_CACHE_SIZE = 10_000;

export class TokenService {
  private readonly key: Uint8Array;
  private readonly verified = new Map<string, { claims: AccessClaims; expiresAt: number }>();

  constructor(
    secret: string,
    private readonly issuer: string,
    readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  signAccess(claims: AccessClaims): Promise<string> {
    return new SignJWT({
      org: claims.org,
      role: claims.role,
      ver: claims.ver,
      ...(claims.sid && { sid: claims.sid }),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(this.issuer)
      .setAudience('sentinel-api')
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(this.key);
  }

  /**
   * The claims of a valid token, or null for any invalid, expired or foreign token. A token verified
   * before answers without a promise (most requests: the read path pays no turn for it).
   */
  verifyAccess(token: string): AccessClaims | null | Promise<AccessClaims | null> {
    const seen = this.verified.get(token);
    if (seen) {
      if (seen.expiresAt > Date.now()) return seen.claims;
      this.verified.delete(token);
      return null;
    }
    return this.verify(token).then((claims) => {
      if (!claims) return null;
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, claims);
      return claims.claims;
    });
  }

  private async verify(token: string): Promise<{ claims: AccessClaims; expiresAt: number } | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: this.issuer,
        audience: 'sentinel-api',
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
      });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || typeof payload.org !== 'string' || !ROLES.includes(role))
        return null;
      const ver = typeof payload.ver === 'number' && Number.isInteger(payload.ver) ? payload.ver : 0;
      const expiresAt = payload.exp! * 1000; // required, and checked to be in the future
      const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
      return { claims: { sub: payload.sub, org: payload.org, role, ver, sid }, expiresAt };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return null;
      throw err;
    }
  }
}

/** Opaque secrets (refresh tokens, API keys) are random, and stored only as their SHA-256. */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
