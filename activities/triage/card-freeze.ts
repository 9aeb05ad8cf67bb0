import { ApplicationFailure } from '@temporalio/activity';
import { appendAudit } from '../../db/platform/audit.js';
import { emitEvent } from '../../db/platform/events.js';
import * as cards from '../../db/triage/cards.js';
import { appendCaseEvent } from '../../db/triage/cases.js';
import type { CardFreezeState } from '../../workflows/triage/messages.js';
import type { Queryable } from '../../db/pool.js';
import { actorOf, type TriageDeps } from './deps.js';

const state = (c: cards.CardRow): CardFreezeState => ({
  cardId: c.id,
  status: c.status,
  frozen_reason: c.frozen_reason,
  frozen_until: c.frozen_until,
});

/**
 * A freeze or unfreeze on the record: the stream (frozen as `action_completed`, as the alert
 * stream names actions), the case timeline when there is a case, and the audit trail, each once per key.
 */
async function recordCardAction(
  t: Queryable,
  a: {
    orgId: string;
    cardId: string;
    caseId?: string | null | undefined;
    actor: string;
    event: 'card_frozen' | 'card_unfrozen';
    payload: Record<string, unknown>;
    key: string;
    audit: { action: string; before?: unknown; after: unknown };
  },
): Promise<void> {
  const payload = { card_id: a.cardId, actor: a.actor, ...a.payload };
  const verb = a.event === 'card_frozen' ? 'freeze' : 'unfreeze';
  await emitEvent(t, {
    orgId: a.orgId,
    streams: a.caseId ? ['alerts', `case:${a.caseId}`] : ['alerts'],
    type: a.event === 'card_frozen' ? 'action_completed' : 'card_unfrozen',
    payload: a.event === 'card_frozen' ? { action: 'card_frozen', ...payload } : payload,
    dedupKey: `${verb}:${a.key}`,
  });
  if (a.caseId) {
    await appendCaseEvent(t, a.orgId, {
      case_id: a.caseId,
      type: a.event,
      actor: a.actor,
      data: payload,
      dedup_key: `${verb}:${a.key}`,
    });
  }
  const actor = actorOf(a.actor);
  await appendAudit(t, {
    orgId: a.orgId,
    actorType: actor.type,
    actorId: actor.id,
    action: a.audit.action,
    resourceType: 'card',
    resourceId: a.cardId,
    before: a.audit.before,
    after: a.audit.after,
    dedupKey: `${a.audit.action}:${a.key}`,
  });
}

/** The card's side of a freeze: Postgres, the event stream, the case timeline and the audit trail. */
export function createCardFreezeActivities({ db }: TriageDeps) {
  return {
    async applyFreeze(input: {
      orgId: string;
      cardId: string;
      reason: string;
      until: string | null;
      actor: string;
      caseId?: string | null | undefined;
      requestId: string;
    }): Promise<CardFreezeState> {
      return db.transaction(async (t) => {
        const changed = await cards.freezeCard(t, input.orgId, input.cardId, {
          reason: input.reason,
          until: input.until,
        });
        if (!changed) throw ApplicationFailure.nonRetryable(`card ${input.cardId} not found`, 'NotFound');
        if (changed.after.status !== 'frozen') return state(changed.after); // closed cards stay closed
        await recordCardAction(t, {
          orgId: input.orgId,
          cardId: input.cardId,
          caseId: input.caseId,
          actor: input.actor,
          event: 'card_frozen',
          payload: { reason: input.reason, frozen_until: input.until },
          key: `${input.cardId}:${input.requestId}`,
          audit: {
            action: 'card.frozen',
            before: { status: changed.before.status, frozen_until: changed.before.frozen_until },
            after: { status: 'frozen', frozen_until: input.until, reason: input.reason },
          },
        });
        return state(changed.after);
      });
    },

    async applyUnfreeze(input: {
      orgId: string;
      cardId: string;
      reason: string;
      actor: string;
      caseId?: string | null | undefined;
      freezeKey: string;
    }): Promise<CardFreezeState | null> {
      return db.transaction(async (t) => {
        const card = await cards.unfreezeCard(t, input.orgId, input.cardId);
        await recordCardAction(t, {
          orgId: input.orgId,
          cardId: input.cardId,
          caseId: input.caseId,
          actor: input.actor,
          event: 'card_unfrozen',
          payload: { reason: input.reason },
          key: `${input.cardId}:${input.freezeKey}`,
          audit: { action: 'card.unfrozen', after: { status: 'active', reason: input.reason } },
        });
        return card ? state(card) : null;
      });
    },
  };
}
