import type { Logger } from 'pino';
import { recentlyRevokedApiKeys } from '../../db/platform/api-keys.js';
import type { Db } from '../../db/pool.js';
import { recentlyEndedSessions } from '../../db/platform/refresh-tokens.js';
import { recentTokenRevocations } from '../../db/platform/users.js';
import type { Principal } from '../env.js';

/**
 * What was revoked lately, kept in memory by each API replica and read from Postgres every
 * `pollMs` (one indexed query): a user's lowest valid token version (raised by a session
 * revocation, a role change or a disabled account) and revoked API keys. Access tokens live at
 * most `windowSeconds`, so older revocations need not be kept. A revocation takes effect on every
 * replica within one poll, and open SSE streams of the caller are closed (`watch`).
 */
export class Revocations {
  /** userId → lowest valid token version, and when it was raised (epoch ms). */
  private readonly versions = new Map<string, { version: number; at: number }>();
  /** API key id → when it was revoked (epoch ms). */
  private readonly keys = new Map<string, number>();
  /** Session (refresh-token family) id → when it ended (epoch ms): logged out. */
  private readonly sessions = new Map<string, number>();
  private readonly watchers = new Set<() => void>();
  private since: number;
  private timer: NodeJS.Timeout | undefined;
  private loaded: Promise<void> | undefined;
  /** Once the first read is in, requests need not wait for `ready()`. */
  isReady = false;

  constructor(
    private readonly db: Db,
    private readonly o: { pollMs: number; windowSeconds: number; log?: Logger },
  ) {
    this.since = Date.now() - o.windowSeconds * 1000;
  }

  /** The first read completes before any request is authenticated; later ones run in the background. */
  ready(): Promise<void> {
    this.loaded ??= this.poll().then(() => {
      this.isReady = true;
      this.timer = setInterval(() => {
        this.poll().catch((err: unknown) => this.o.log?.warn({ err }, 'revocation poll failed'));
      }, this.o.pollMs);
      this.timer.unref();
    });
    return this.loaded;
  }

  /** The user's lowest valid token version as last read (0: none raised lately): a change means a role or status change. */
  version(userId: string): number {
    return this.versions.get(userId)?.version ?? 0;
  }

  isRevoked(p: Principal): boolean {
    if (p.actorType === 'api_key') return this.keys.has(p.actorId);
    if (p.sessionId && this.sessions.has(p.sessionId)) return true;
    return (this.versions.get(p.actorId)?.version ?? 0) > (p.tokenVersion ?? 0);
  }

  /** Calls `onRevoked` once when the principal is revoked; returns the unsubscribe. */
  watch(p: Principal, onRevoked: () => void): () => void {
    const check = () => {
      if (!this.isRevoked(p)) return;
      this.watchers.delete(check);
      onRevoked();
    };
    this.watchers.add(check);
    return () => this.watchers.delete(check);
  }

  /** What this replica revoked itself takes effect here at once (others see it within a poll). */
  noteRevoked(r: {
    apiKeyIds?: string[];
    user?: { id: string; tokenVersion: number };
    sessionId?: string;
  }): void {
    for (const id of r.apiKeyIds ?? []) this.keys.set(id, Date.now());
    if (r.sessionId) this.sessions.set(r.sessionId, Date.now());
    if (r.user && (this.versions.get(r.user.id)?.version ?? 0) < r.user.tokenVersion) {
      this.versions.set(r.user.id, { version: r.user.tokenVersion, at: Date.now() });
    }
    for (const check of [...this.watchers]) check();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    // Overlap the last read a little: rows committed late with an earlier timestamp are not missed.
    const since = new Date(this.since - 5000).toISOString();
    const [users, keys, sessions] = await Promise.all([
      recentTokenRevocations(this.db, since),
      recentlyRevokedApiKeys(this.db, since),
      recentlyEndedSessions(this.db, since),
    ]);
    let changed = false;
    for (const u of users) {
      const at = Date.parse(u.tokens_revoked_at);
      if ((this.versions.get(u.id)?.version ?? 0) < u.token_version) {
        this.versions.set(u.id, { version: u.token_version, at });
        changed = true;
      }
      this.since = Math.max(this.since, at);
    }
    for (const k of keys) {
      const at = Date.parse(k.revoked_at);
      if (!this.keys.has(k.id)) {
        this.keys.set(k.id, at);
        changed = true;
      }
      this.since = Math.max(this.since, at);
    }
    for (const s of sessions) {
      const at = Date.parse(s.revoked_at);
      if (!this.sessions.has(s.family_id)) {
        this.sessions.set(s.family_id, at);
        changed = true;
      }
      this.since = Math.max(this.since, at);
    }
    // Tokens signed before the window have expired on their own: forget their revocations.
    const horizon = Date.now() - this.o.windowSeconds * 1000;
    for (const [id, v] of this.versions) if (v.at < horizon) this.versions.delete(id);
    for (const [id, at] of this.keys) if (at < horizon) this.keys.delete(id);
    for (const [id, at] of this.sessions) if (at < horizon) this.sessions.delete(id);
    if (changed) for (const check of [...this.watchers]) check();
  }
}
