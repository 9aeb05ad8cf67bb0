import type { Client } from '@temporalio/client';
import type { Db } from '../../db/pool.js';
import * as cards from '../../db/triage/cards.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { requestCardFreeze } from '../../temporal/clients/triage.js';
import { actorString, type Actor } from '../../workflows/platform/actor.js';
import { DEFAULT_FREEZE_HOURS, type CardFreezeState } from '../../workflows/triage/messages.js';
import { record } from '../record.js';

export type FreezeDeps = { db: Db; temporal: Client; taskQueuePrefix?: string | undefined };

export const freezeState = (c: cards.CardRow): CardFreezeState => ({
  cardId: c.id,
  status: c.status,
  frozen_reason: c.frozen_reason,
  frozen_until: c.frozen_until,
});

/**
 * Freezes a card through its freeze workflow (which owns the timer that lifts a temporary
 * freeze), answering once it is frozen in Postgres. One freeze per request id. Called by the API,
 * the card-manager agent and the contact agent alike. A closed card is a ConflictError.
 */
export async function freezeCard(
  deps: FreezeDeps,
  orgId: string,
  f: {
    cardId: string;
    reason: string;
    temporary: boolean;
    durationHours?: number | undefined;
    actor: Actor;
    requestId: string;
    caseId?: string | null;
  },
): Promise<CardFreezeState> {
  const card = await cards.getCard(deps.db, orgId, f.cardId);
  if (!card) throw new NotFoundError('card');
  if (card.status === 'closed') throw new ConflictError('The card is closed');
  return requestCardFreeze(
    deps.temporal,
    {
      orgId,
      cardId: card.id,
      customerId: card.customer_id,
      request: {
        requestId: f.requestId,
        reason: f.reason,
        temporary: f.temporary,
        durationHours: f.temporary ? (f.durationHours ?? DEFAULT_FREEZE_HOURS) : undefined,
        actor: actorString(f.actor),
        ...(f.caseId !== undefined && { caseId: f.caseId }),
      },
    },
    { prefix: deps.taskQueuePrefix },
  );
}

/**
 * The card's side of a freeze, run by the freeze workflow's activity: the row, the stream
 * (`action_completed`, as the alert stream names actions), the case timeline and the audit trail.
 */
export function applyCardFreeze(
  db: Db,
  orgId: string,
  f: {
    cardId: string;
    reason: string;
    until: string | null;
    actor: Actor;
    caseId?: string | null;
    key: string;
  },
): Promise<CardFreezeState> {
  return db.transaction(async (t) => {
    const changed = await cards.freezeCard(t, orgId, f.cardId, { reason: f.reason, until: f.until });
    if (!changed) throw new NotFoundError('card');
    if (changed.after.status !== 'frozen') return freezeState(changed.after); // closed cards stay closed
    const data = { card_id: f.cardId, actor: actorString(f.actor), reason: f.reason, frozen_until: f.until };
    await record(t, {
      orgId,
      caseId: f.caseId,
      type: 'card_frozen',
      actor: f.actor,
      data,
      key: `${f.cardId}:${f.key}`,
      stream: {
        type: 'action_completed',
        payload: { action: 'card_frozen', result: { status: 'frozen', frozen_until: f.until }, ...data },
      },
      audit: {
        action: 'card.frozen',
        resourceType: 'card',
        resourceId: f.cardId,
        before: { status: changed.before.status, frozen_until: changed.before.frozen_until },
        after: { status: 'frozen', frozen_until: f.until, reason: f.reason },
      },
    });
    return freezeState(changed.after);
  });
}
