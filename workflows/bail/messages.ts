import { defineSignal } from '@temporalio/workflow';
import type { AppearanceOutcome } from './bond-status.js';

/** A court date was added or changed (the API stored it first): plan the reminders again. */
export const appearancesChangedSignal = defineSignal('appearancesChanged');
/** A court date moved: the client and indemnitors are told, and its reminders move with it. */
export const rescheduledSignal =
  defineSignal<[{ appearanceId: string; newAppearanceId: string; newTime: string }]>('rescheduled');
/** What happened at a court date, as the agent recorded it. */
export const outcomeSignal = defineSignal<[{ appearanceId: string; outcome: AppearanceOutcome }]>('outcome');
/** A failure to appear was set aside (the defendant surrendered, the court reinstated the bond). */
export const reinstatedSignal = defineSignal('reinstated');
/** The bond ended (exonerated or cancelled): nothing more to remind of or pursue. */
export const bondClosedSignal = defineSignal('bondClosed');

/** The payment provider reported on one of the plan's charges (the webhook stored it first). */
export const paymentEventSignal = defineSignal<[{ type: string; providerPaymentId: string }]>('paymentEvent');
/** The rest of the plan was settled another way (the agent recorded it): nothing more to charge. */
export const planPaidSignal = defineSignal('paid');
/** The plan was cancelled: no further charges. */
export const planCancelledSignal = defineSignal('cancelled');

/** DocuSign (Connect) reported on the envelope; the webhook stored it first. */
export const envelopeStatusSignal = defineSignal<[{ status: string }]>('envelopeStatus');
