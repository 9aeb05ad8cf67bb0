import { freezeCard } from '../../../commands/triage/freeze-card.js';
import { ConflictError } from '../../../lib/domain-errors.js';
import { triageFreezeRequestId } from '../../../workflows/triage/ids.js';
import { DEFAULT_FREEZE_HOURS } from '../../../workflows/triage/messages.js';
import { workflowActor } from '../deps.js';
import type { AgentImpl } from '../types.js';

export const FREEZE_ABOVE_SCORE = 7;

/** Freezes the card (temporarily, 24 h) through its cardFreeze workflow when the risk score is above 7. */
export const cardManager: AgentImpl = async (ctx, deps) => {
  const score = Number(ctx.inputs['fraud-detector']?.riskScore ?? 0);
  if (score <= FREEZE_ABOVE_SCORE) {
    return { action: 'no_action', reason: `risk score ${score} is not above ${FREEZE_ABOVE_SCORE}` };
  }
  if (!ctx.cardId) return { action: 'no_action', reason: 'the alert names no card' };
  let state;
  try {
    state = await freezeCard(deps, ctx.orgId, {
      cardId: ctx.cardId,
      requestId: triageFreezeRequestId(ctx.alertId),
      reason: `high risk transaction (score ${score})`,
      temporary: true,
      durationHours: DEFAULT_FREEZE_HOURS,
      actor: workflowActor(),
      caseId: ctx.caseId,
    });
  } catch (err) {
    if (err instanceof ConflictError) return { action: 'no_action', reason: err.message };
    throw err;
  }
  return {
    action: 'card_frozen',
    card_id: ctx.cardId,
    frozen_until: state.frozen_until,
    reason: state.frozen_reason,
  };
};
