import { randomUUID } from 'node:crypto';
import { lockCustomers } from '../../db/customers/customers.js';
import * as interactions from '../../db/insights/interactions.js';
import { emitEvents, type NewEvent } from '../../db/platform/events.js';
import type { Db } from '../../db/pool.js';
import type { SentimentModel } from '../../lib/insights/sentiment.js';

export type InteractionInput = {
  customer_id?: string | undefined;
  customer_external_id?: string | undefined;
  external_id?: string | undefined;
  occurred_at: string;
  channel: interactions.InteractionRow['channel'];
  event_type: string;
  content?: string | null | undefined;
  metadata?: Record<string, unknown> | undefined;
};

/** How far ahead of this server's clock an interaction's time may be (the client's clock drifts). */
const CLOCK_SKEW_MS = 5 * 60_000;

export type IngestItemResult =
  | { index: number; status: 'created' | 'existing'; interaction: interactions.InteractionRow }
  | { index: number; status: 'failed'; error: { field: string; message: string; code: string } };

/** The live view of an interaction: what it is, not what it says (content stays in the table). */
const liveView = (r: interactions.InteractionRow) => ({
  id: r.id,
  customer_id: r.customer_id,
  channel: r.channel,
  event_type: r.event_type,
  occurred_at: r.occurred_at,
});

/**
 * Stores a batch of customer interactions (one or up to 1,000) in one transaction: each once per
 * client external id, scored for sentiment, its customer's counters moved in the same statement,
 * and `interaction.created` / `sentiment.analyzed` on the `insights` stream. A customer named by
 * external id is created when the organisation has none; an unknown customer id fails that item
 * alone. Sentiment is scored before the transaction opens, so locks are held only for the writes.
 */
export async function ingestInteractions(
  db: Db,
  model: SentimentModel,
  orgId: string,
  items: readonly InteractionInput[],
): Promise<IngestItemResult[]> {
  const scored = items.map((item) => (item.content ? model.score(item.content) : null));
  return db.transaction(async (t) => {
    const results = new Array<IngestItemResult>(items.length);
    const byExternal = await interactions.customersByExternalIds(
      t,
      orgId,
      items.flatMap((i) => (!i.customer_id && i.customer_external_id ? [i.customer_external_id] : [])),
    );
    const known = await interactions.existingCustomers(
      t,
      orgId,
      items.flatMap((i) => (i.customer_id ? [i.customer_id] : [])),
    );
    const rows: (interactions.NewInteraction & { index: number })[] = [];
    const firstOfKey = new Map<string, number>();
    const repeats: { index: number; externalId: string }[] = [];
    items.forEach((item, index) => {
      // Fields are named as the API names them.
      if (Date.parse(item.occurred_at) > Date.now() + CLOCK_SKEW_MS) {
        results[index] = {
          index,
          status: 'failed',
          error: { field: 'timestamp', message: 'must not be in the future', code: 'in_future' },
        };
        return;
      }
      const customerId = item.customer_id ?? byExternal.get(item.customer_external_id ?? '');
      if (!customerId || (item.customer_id && !known.has(item.customer_id))) {
        results[index] = {
          index,
          status: 'failed',
          error: { field: 'customer_id', message: 'no such customer', code: 'not_found' },
        };
        return;
      }
      if (item.external_id) {
        if (firstOfKey.has(item.external_id)) return repeats.push({ index, externalId: item.external_id });
        firstOfKey.set(item.external_id, index);
      }
      const s = scored[index] ?? null;
      rows.push({
        index,
        id: randomUUID(),
        customer_id: customerId,
        external_id: item.external_id ?? null,
        occurred_at: item.occurred_at,
        channel: item.channel,
        event_type: item.event_type,
        content: item.content ?? null,
        metadata: item.metadata ?? {},
        sentiment: s,
      });
    });

    // A burst about one customer is counted in order: concurrent batches lock the same customers.
    await lockCustomers(t, orgId, [...new Set(rows.map((r) => r.customer_id))]);
    const keyed = rows.filter((r) => r.external_id);
    const claimed = await interactions.claimInteractionKeys(
      t,
      orgId,
      keyed.map((r) => ({ id: r.id, external_id: r.external_id!, occurred_at: r.occurred_at })),
    );
    const fresh = rows.filter((r) => !r.external_id || claimed.has(r.external_id));
    const seenBefore = rows.filter((r) => r.external_id && !claimed.has(r.external_id));
    const inserted = await interactions.insertInteractions(t, orgId, fresh);
    const insertedById = new Map(inserted.map((r) => [r.id, r]));
    for (const r of fresh)
      results[r.index] = { index: r.index, status: 'created', interaction: insertedById.get(r.id)! };

    const earlier = new Map(
      (
        await interactions.interactionsByExternalIds(
          t,
          orgId,
          seenBefore.map((r) => r.external_id!),
        )
      ).map((r) => [r.external_id!, r]),
    );
    for (const r of seenBefore) {
      const row = earlier.get(r.external_id!);
      // The key was claimed by a concurrent batch not yet committed; the lock makes this rare.
      results[r.index] = row
        ? { index: r.index, status: 'existing', interaction: row }
        : {
            index: r.index,
            status: 'failed',
            error: { field: 'external_id', message: 'being stored by another request', code: 'conflict' },
          };
    }
    for (const { index, externalId } of repeats) {
      const first = results[firstOfKey.get(externalId)!]!;
      results[index] =
        first.status === 'failed' ? { ...first, index } : { ...first, index, status: 'existing' };
    }

    const events: NewEvent[] = inserted.flatMap((r) => [
      {
        streams: ['insights'],
        type: 'interaction.created',
        payload: { interaction: liveView(r) },
        dedupKey: `interaction.created:${r.id}`,
      },
      ...(r.sentiment
        ? [
            {
              streams: ['insights'],
              type: 'sentiment.analyzed',
              payload: {
                interaction_id: r.id,
                customer_id: r.customer_id,
                sentiment: r.sentiment,
                confidence: r.sentiment_confidence,
              },
              dedupKey: `sentiment.analyzed:${r.id}`,
            },
          ]
        : []),
    ]);
    await emitEvents(t, orgId, events);
    return results;
  });
}
