import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ROLES, type Role } from '../../lib/roles.js';

/** `ver`: the user's token version at signing; revoking their sessions raises it (api/auth/revocations.ts). */
export type AccessClaims = { sub: string; org: string; role: Role; ver: number };

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly issuer: string,
    readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  signAccess(claims: AccessClaims): Promise<string> {
    return new SignJWT({ org: claims.org, role: claims.role, ver: claims.ver })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(this.issuer)
      .setAudience('sentinel-api')
      .setIssuedAt()
      .setExpirationTime(`${this.accessTtlSeconds}s`)
      .sign(this.key);
  }

  /** The claims of a valid token, or null for any invalid, expired or foreign token. */
  async verifyAccess(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: this.issuer,
        audience: 'sentinel-api',
        algorithms: ['HS256'],
      });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || typeof payload.org !== 'string' || !ROLES.includes(role))
        return null;
      const ver = typeof payload.ver === 'number' && Number.isInteger(payload.ver) ? payload.ver : 0;
      return { sub: payload.sub, org: payload.org, role, ver };
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) return null;
      throw err;
    }
  }
}

/** Opaque secrets (refresh tokens, API keys) are random, and stored only as their SHA-256. */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
