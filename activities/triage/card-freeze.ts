import { ApplicationFailure } from '@temporalio/activity';
import { applyCardFreeze } from '../../commands/triage/freeze-card.js';
import { applyCardUnfreeze } from '../../commands/triage/unfreeze-card.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { parseActor } from '../../workflows/platform/actor.js';
import type { TriageActivities, TriageDeps } from './types.js';

/** The card's side of a freeze workflow: the commands that write it, once per request. */
export function createCardFreezeActivities({
  db,
}: TriageDeps): Pick<TriageActivities, 'applyFreeze' | 'applyUnfreeze'> {
  return {
    async applyFreeze(input) {
      try {
        return await applyCardFreeze(db, input.orgId, {
          cardId: input.cardId,
          reason: input.reason,
          until: input.until,
          actor: parseActor(input.actor),
          caseId: input.caseId ?? null,
          key: input.requestId,
        });
      } catch (err) {
        if (err instanceof NotFoundError) throw ApplicationFailure.nonRetryable(err.message, 'NotFound');
        throw err;
      }
    },

    applyUnfreeze: (input) =>
      applyCardUnfreeze(db, input.orgId, {
        cardId: input.cardId,
        reason: input.reason,
        actor: parseActor(input.actor),
        caseId: input.caseId,
        key: input.freezeKey,
      }),
  };
}
