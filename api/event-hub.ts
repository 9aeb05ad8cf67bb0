import pg from 'pg';
import type { Logger } from 'pino';
import { eventsAfter, getEvent, latestEventId, type EventRow } from '../db/platform/events.js';
import type { Db } from '../db/pool.js';

type Subscriber = { orgId: string; stream: string; lastId: number; deliver: (e: EventRow) => void };

/**
 * Fans Postgres NOTIFYs on `sentinel_events` out to this replica's SSE clients. One LISTEN
 * connection per process, opened with the first subscriber; after a lost connection it
 * reconnects and each subscriber catches up from the last event it was sent, so nothing is missed.
 */
export class EventHub {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private notified: Promise<void> = Promise.resolve();
  private readonly subs = new Set<Subscriber>();
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Subscribes to one organisation's stream; returns the unsubscribe function. */
  async subscribe(
    orgId: string,
    stream: string,
    lastId: number,
    deliver: (e: EventRow) => void,
  ): Promise<() => void> {
    const sub: Subscriber = { orgId, stream, lastId, deliver };
    this.subs.add(sub);
    await this.connect();
    return () => this.subs.delete(sub);
  }

  /**
   * A reconnecting client's missed events, delivered in order, unless it is further behind than
   * `limit` (more events, or older ones): then nothing is delivered and the answer is 'reset', with
   * the stream's latest id, so the client reloads rather than replaying without end.
   */
  async replay(
    sub: Pick<Subscriber, 'orgId' | 'stream' | 'lastId'>,
    deliver: (e: EventRow) => void,
    limit: { events: number; hours: number },
  ): Promise<{ reset: false } | { reset: true; latestId: number }> {
    const batch = await eventsAfter(this.db, sub.orgId, sub.stream, sub.lastId, limit.events + 1);
    const oldest = batch[0] ? Date.parse(batch[0].created_at) : Date.now();
    if (batch.length > limit.events || oldest < Date.now() - limit.hours * 3_600_000) {
      return { reset: true, latestId: await latestEventId(this.db, sub.orgId, sub.stream) };
    }
    for (const e of batch) deliver(e);
    return { reset: false };
  }

  /** Events after `lastId` for a (re)connecting client, delivered in order. */
  async catchUp(
    sub: Pick<Subscriber, 'orgId' | 'stream' | 'lastId'>,
    deliver: (e: EventRow) => void,
  ): Promise<number> {
    let last = sub.lastId;
    for (;;) {
      const batch = await eventsAfter(this.db, sub.orgId, sub.stream, last, 500);
      for (const e of batch) deliver(e);
      if (batch.length) last = batch.at(-1)!.id;
      if (batch.length < 500) return last;
    }
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.databaseUrl });
      // One notification at a time: each reads its event, and reads finishing out of order would
      // deliver a later id first and make the earlier one look already sent.
      client.on('notification', (msg) => {
        this.notified = this.notified
          .then(() => this.onNotify(msg.payload))
          .catch((err: unknown) => {
            this.log.warn({ err }, 'event notification dropped');
          });
      });
      client.on('error', (err) => {
        this.log.warn({ err }, 'event hub connection lost; reconnecting');
        this.client = null;
        void client.end().catch(() => undefined);
        setTimeout(() => void this.reconnect(), 1000).unref();
      });
      await client.connect();
      await client.query('LISTEN sentinel_events');
      this.client = client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async reconnect(): Promise<void> {
    if (this.closed || !this.subs.size) return;
    try {
      await this.connect();
      for (const sub of this.subs) {
        sub.lastId = await this.catchUp(sub, (e) => this.send(sub, e));
      }
    } catch (err) {
      this.log.warn({ err }, 'event hub reconnect failed; retrying');
      setTimeout(() => void this.reconnect(), 2000).unref();
    }
  }

  private send(sub: Subscriber, e: EventRow) {
    if (e.id <= sub.lastId) return;
    sub.lastId = e.id;
    sub.deliver(e);
  }

  private async onNotify(payload: string | undefined) {
    if (!payload) return;
    const note = JSON.parse(payload) as { id: number; org_id: string; stream: string };
    const targets = [...this.subs].filter((s) => s.orgId === note.org_id && s.stream === note.stream);
    if (!targets.length) return;
    const event = await getEvent(this.db, note.org_id, note.id).catch(() => null);
    if (event) for (const sub of targets) this.send(sub, event);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
