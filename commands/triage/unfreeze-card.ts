import type { Db } from '../../db/pool.js';
import * as cards from '../../db/triage/cards.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { requestCardUnfreeze } from '../../temporal/clients/triage.js';
import { actorString, type Actor } from '../../workflows/platform/actor.js';
import type { CardFreezeState } from '../../workflows/triage/messages.js';
import { record } from '../record.js';
import { freezeState, type FreezeDeps } from './freeze-card.js';

/**
 * Lifts a card's freeze: through its freeze workflow when one holds it (with `hold`, only the
 * freeze that request placed), else directly, written the same way as the workflow writes it.
 * A card that is not frozen is a ConflictError.
 */
export async function unfreezeCard(
  deps: FreezeDeps,
  orgId: string,
  u: { cardId: string; reason: string; actor: Actor; hold?: string; key: string },
): Promise<'requested' | 'unfrozen'> {
  const card = await cards.getCard(deps.db, orgId, u.cardId);
  if (!card) throw new NotFoundError('card');
  if (card.status !== 'frozen') throw new ConflictError('The card is not frozen');
  const viaWorkflow = await requestCardUnfreeze(deps.temporal, card.id, {
    reason: u.reason,
    actor: actorString(u.actor),
    ...(u.hold && { hold: u.hold }),
  });
  if (viaWorkflow) return 'requested';
  // A hold names a workflow's freeze: with no workflow, that freeze is gone already.
  if (u.hold) return 'unfrozen';
  // Frozen with no freeze workflow (e.g. by a data fix).
  await applyCardUnfreeze(deps.db, orgId, { cardId: card.id, reason: u.reason, actor: u.actor, key: u.key });
  return 'unfrozen';
}

/** The card's side of an unfreeze: the row, the stream, the case timeline and the audit trail, once per key. */
export function applyCardUnfreeze(
  db: Db,
  orgId: string,
  u: { cardId: string; reason: string; actor: Actor; caseId?: string | null | undefined; key: string },
): Promise<CardFreezeState | null> {
  return db.transaction(async (t) => {
    const card = await cards.unfreezeCard(t, orgId, u.cardId);
    await record(t, {
      orgId,
      caseId: u.caseId,
      type: 'card_unfrozen',
      actor: u.actor,
      data: { card_id: u.cardId, actor: actorString(u.actor), reason: u.reason },
      key: `${u.cardId}:${u.key}`,
      // Named as the alert stream names every action an operator or agent took on the world.
      stream: {
        type: 'action_completed',
        payload: {
          action: 'card_unfrozen',
          result: { status: card?.status ?? 'active' },
          card_id: u.cardId,
          actor: actorString(u.actor),
          reason: u.reason,
        },
      },
      audit: {
        action: 'card.unfrozen',
        resourceType: 'card',
        resourceId: u.cardId,
        after: { status: 'active', reason: u.reason },
      },
    });
    return card ? freezeState(card) : null;
  });
}
