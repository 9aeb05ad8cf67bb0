import { defineSignal } from '@temporalio/workflow';

export type ProviderStatusReport = {
  deliveryId: string;
  status: 'delivered' | 'bounced' | 'failed' | 'spam_report';
  errorCode?: string | null;
  reason?: string | null;
};

/** A provider's report on one delivery, sent to `deliver-<notificationId>` by the webhook routes. */
export const providerStatusSignal = defineSignal<[ProviderStatusReport]>('providerStatus');

export type CustomerReply = { answer: 'yes' | 'no'; via: 'sms' | 'link' | 'agent' };
/** The customer's answer to a contact, sent to `contact-<contactId>` by the inbound SMS webhook or the answer link. */
export const customerReplySignal = defineSignal<[CustomerReply]>('customerReply');
