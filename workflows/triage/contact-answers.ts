import type { ContactOutcome } from '../../activities/triage/types.js';

/** What the customer-contact agent reports for each answer (pure: the workflow and the legacy activity share it). */
export function contactResult(outcome: ContactOutcome, disputeId: string | null): Record<string, unknown> {
  const result =
    outcome === 'no'
      ? { action: 'customer_denied', dispute_id: disputeId, card: 'frozen', replacement_requested: true }
      : outcome === 'yes'
        ? { action: 'customer_confirmed', card: 'unfrozen', outcome: 'false_positive' }
        : { action: 'escalated_to_supervisor', contact: outcome };
  return { ...result, customer_answer: outcome };
}

export const CONFIRMED_REASON = 'the customer confirmed the payment';
export const noAnswerReason = (outcome: ContactOutcome) => `customer contact ended: ${outcome}`;
