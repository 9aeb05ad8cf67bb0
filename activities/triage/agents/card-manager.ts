import { requestCardFreeze } from '../../../temporal/card-freeze.js';
import { DEFAULT_FREEZE_HOURS } from '../../../workflows/triage/messages.js';
import { workflowActor, type AgentImpl } from '../deps.js';

export const FREEZE_ABOVE_SCORE = 7;

/** One freeze per triage, however often the activity is retried; a customer's "yes" lifts just this one. */
export const triageFreezeRequestId = (alertId: string) => `triage-${alertId}`;

/** Freezes the card (temporarily, 24 h) through its cardFreeze workflow when the risk score is above 7. */
export const cardManager: AgentImpl = async (ctx, deps) => {
  const score = Number(ctx.inputs['fraud-detector']?.riskScore ?? 0);
  if (score <= FREEZE_ABOVE_SCORE) {
    return { action: 'no_action', reason: `risk score ${score} is not above ${FREEZE_ABOVE_SCORE}` };
  }
  if (!ctx.cardId) return { action: 'no_action', reason: 'the alert names no card' };
  const state = await requestCardFreeze(deps.temporal, {
    orgId: ctx.orgId,
    cardId: ctx.cardId,
    customerId: ctx.customerId,
    taskQueuePrefix: deps.taskQueuePrefix,
    request: {
      requestId: triageFreezeRequestId(ctx.alertId),
      reason: `high risk transaction (score ${score})`,
      temporary: true,
      durationHours: DEFAULT_FREEZE_HOURS,
      actor: workflowActor(),
      caseId: ctx.caseId,
    },
  });
  return {
    action: 'card_frozen',
    card_id: ctx.cardId,
    frozen_until: state.frozen_until,
    reason: state.frozen_reason,
  };
};
