import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { EventRow } from '../../db/platform/events.js';
import type { Db } from '../../db/pool.js';
import { getCase } from '../../db/triage/cases.js';
import type { AppEnv } from '../env.js';
import type { EventHub } from '../event-hub.js';
import type { Revocations } from '../auth/revocations.js';
import { ApiError, notFound } from '../errors.js';
import { errorResponses, newRouter, securedRoute } from '../router.js';

export const HEARTBEAT_MS = 30_000;
/** How far back a reconnecting client is replayed (Last-Event-ID); further behind, a `reset` event. */
export const REPLAY_LIMIT = { events: 1000, hours: 24 };
/** Open streams per caller on one replica: a tab or two per screen, not an unbounded number. */
export const MAX_STREAMS_PER_CALLER = 10;
/** Messages waiting for one slow client before its stream is closed (it resumes with Last-Event-ID). */
export const MAX_QUEUED_WRITES = 256;

const sse = { description: 'Server-sent events', content: { 'text/event-stream': { schema: z.string() } } };
const LastEventQuery = z.object({
  access_token: z
    .string()
    .optional()
    .openapi({ description: 'For EventSource clients, which cannot send headers' }),
  last_event_id: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ description: 'Same as the Last-Event-ID header' }),
});

const routes = {
  alerts: securedRoute('alerts:read', {
    method: 'get',
    path: '/stream/alerts',
    tags: ['stream'],
    summary: 'alert_created, alert_updated, agent_completed, action_completed, …',
    description:
      'Every message is a named SSE event whose data is JSON with a `timestamp`. `connected` (first) and `heartbeat` (every 30 s) carry `type` in their data as well, for clients that read only `data`. `agent_completed`: `alert_id`, `case_id`, `agent`, `batch`, `result`, and `workflowId`, `agentId`. `action_completed`: `action` (card_frozen, card_unfrozen, dispute_opened, customer_contacted) and its `result`.',
    request: { query: LastEventQuery },
    responses: { 200: sse, ...errorResponses },
  }),
  notifications: securedRoute('notifications:read', {
    method: 'get',
    path: '/stream/notifications',
    tags: ['stream'],
    summary: 'In-app notifications as they are created',
    request: { query: LastEventQuery },
    responses: { 200: sse, ...errorResponses },
  }),
  bail: securedRoute('bail:read', {
    method: 'get',
    path: '/stream/bail',
    tags: ['stream'],
    summary:
      'bond.created, bond.status_changed, appearance.scheduled|rescheduled|appeared|missed|reminded, bond.failure_to_appear, bond.forfeiture_reminder, bond.forfeited, bond.reinstated, payment.completed, task.created',
    request: { query: LastEventQuery },
    responses: { 200: sse, ...errorResponses },
  }),
  insights: securedRoute('insights:read', {
    method: 'get',
    path: '/stream/insights',
    tags: ['stream'],
    summary: 'interaction.created and sentiment.analyzed as interactions are stored',
    request: { query: LastEventQuery },
    responses: { 200: sse, ...errorResponses },
  }),
  case: securedRoute('alerts:read', {
    method: 'get',
    path: '/stream/case/{caseId}',
    tags: ['stream'],
    request: { params: z.object({ caseId: z.string().uuid() }), query: LastEventQuery },
    responses: { 200: sse, ...errorResponses },
  }),
};

/**
 * Streams one organisation's events. A reconnecting client sends Last-Event-ID and first gets
 * what it missed from the events table; live events follow in order, with a heartbeat every 30 s.
 */
function serve(
  c: Context<AppEnv>,
  hub: EventHub,
  revocations: Revocations,
  orgId: string,
  stream: string,
  lastEventId: number | undefined,
) {
  const header = Number(c.req.header('last-event-id'));
  const lastId = Number.isInteger(header) && header >= 0 ? header : (lastEventId ?? null);
  const p = c.get('principal');
  const caller = `${p.orgId}:${p.actorType}:${p.actorId}`;
  const open = openStreams.get(caller) ?? 0;
  if (open >= MAX_STREAMS_PER_CALLER)
    throw new ApiError(
      429,
      'too_many_streams',
      `At most ${MAX_STREAMS_PER_CALLER} open event streams per caller; close one first`,
    );
  openStreams.set(caller, open + 1);
  const closed = () => {
    const n = (openStreams.get(caller) ?? 1) - 1;
    if (n > 0) openStreams.set(caller, n);
    else openStreams.delete(caller);
  };
  return streamSSE(c, async (out) => {
    try {
      await run(out);
    } finally {
      closed();
    }
  });
  async function run(out: SSEStreamingApi) {
    let sent = lastId ?? 0;
    let replaying = lastId !== null;
    const buffered: EventRow[] = [];
    let chain = Promise.resolve();
    // A client that stops reading is let go once MAX_QUEUED_WRITES messages wait for it: it
    // reconnects with Last-Event-ID and is replayed, instead of holding the replica's memory.
    let queued = 0;
    let slow = false;
    let overflowed = () => {};
    const send = (m: { id?: string; event: string; data: string }) => {
      if (slow) return;
      if (queued >= MAX_QUEUED_WRITES) {
        slow = true;
        return overflowed();
      }
      queued += 1;
      chain = chain.then(() => out.writeSSE(m)).finally(() => (queued -= 1));
    };
    const write = (e: EventRow) => {
      if (e.id <= sent) return;
      sent = e.id;
      send({
        id: String(e.id),
        event: e.type,
        data: JSON.stringify({ ...e.payload, timestamp: e.created_at }),
      });
    };
    const unsubscribe = await hub.subscribe(orgId, stream, 0, (e) =>
      replaying ? buffered.push(e) : write(e),
    );
    await out.writeSSE({
      event: 'connected',
      // `type` in the data too: clients that read only `data` (the design's) see what it is.
      data: JSON.stringify({ type: 'connected', stream, timestamp: new Date().toISOString() }),
    });
    if (lastId !== null) {
      const replayed = await hub.replay({ orgId, stream, lastId }, write, REPLAY_LIMIT);
      if (replayed.reset) {
        // Too far behind to replay: the client reloads its view and goes on from the latest id.
        sent = Math.max(sent, replayed.latestId);
        send({
          id: String(replayed.latestId),
          event: 'reset',
          data: JSON.stringify({
            type: 'reset',
            reason: `more than ${REPLAY_LIMIT.events} events or ${REPLAY_LIMIT.hours} h missed: reload`,
            timestamp: new Date().toISOString(),
          }),
        });
      }
      buffered.forEach(write);
      replaying = false;
    }
    const heartbeat = setInterval(() => {
      send({
        event: 'heartbeat',
        data: JSON.stringify({ type: 'heartbeat', timestamp: new Date().toISOString() }),
      });
    }, HEARTBEAT_MS);
    // Ends when the client leaves, or when the caller's access is revoked (within one poll).
    let unwatch = () => {};
    await new Promise<void>((resolve) => {
      if (slow) return resolve();
      overflowed = resolve;
      out.onAbort(resolve);
      unwatch = revocations.watch(c.get('principal'), resolve);
    });
    unwatch();
    clearInterval(heartbeat);
    unsubscribe();
    if (slow) {
      c.get('log').warn({ stream, queued }, 'SSE client not reading: stream closed');
      // Its queued writes can never drain: end the connection itself, which frees them.
      (c.env as { outgoing?: { destroy(): void } } | undefined)?.outgoing?.destroy();
    }
  }
}

/** Streams open on this replica per caller (organisation, actor). */
const openStreams = new Map<string, number>();

export function streamRoutes(deps: { db: Db; hub: EventHub | undefined; revocations: Revocations }) {
  const hub = () => {
    if (!deps.hub)
      throw new ApiError(503, 'service_unavailable', 'Event streams are not available on this server');
    return deps.hub;
  };
  return newRouter()
    .openapi(routes.alerts, (c) =>
      serve(
        c,
        hub(),
        deps.revocations,
        c.get('principal').orgId,
        'alerts',
        c.req.valid('query').last_event_id,
      ),
    )
    .openapi(routes.notifications, (c) =>
      serve(
        c,
        hub(),
        deps.revocations,
        c.get('principal').orgId,
        'notifications',
        c.req.valid('query').last_event_id,
      ),
    )
    .openapi(routes.insights, (c) =>
      serve(
        c,
        hub(),
        deps.revocations,
        c.get('principal').orgId,
        'insights',
        c.req.valid('query').last_event_id,
      ),
    )
    .openapi(routes.bail, (c) =>
      serve(c, hub(), deps.revocations, c.get('principal').orgId, 'bail', c.req.valid('query').last_event_id),
    )
    .openapi(routes.case, async (c) => {
      const orgId = c.get('principal').orgId;
      const { caseId } = c.req.valid('param');
      if (!(await getCase(deps.db, orgId, caseId))) throw notFound('case');
      return serve(c, hub(), deps.revocations, orgId, `case:${caseId}`, c.req.valid('query').last_event_id);
    });
}
