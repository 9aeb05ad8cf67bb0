import { defineSignal } from '@temporalio/workflow';

/** The bill or its reminder rules changed: the reminder plans its timers again. */
export const billUpdatedSignal = defineSignal('billUpdated');
/** The occurrence now due was paid: no reminder for it. */
export const billPaidSignal = defineSignal('billPaid');
/** The bill was cancelled or deleted: the reminder ends. */
export const cancelBillSignal = defineSignal('cancel');
