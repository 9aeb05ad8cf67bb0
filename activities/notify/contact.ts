import { ApplicationFailure } from '@temporalio/activity';
import { emitEvent } from '../../db/platform/events.js';
import { record } from '../../commands/record.js';
import * as contacts from '../../db/notify/contacts.js';
import { createNotification } from '../../db/notify/notifications.js';
import type { Db } from '../../db/pool.js';
import type { CaseEventType } from '../../workflows/triage/case-events.js';
import { CONTACT_TEMPLATES } from '../../workflows/notify/contact-templates.js';
import { render } from '../../lib/templates.js';

export type ContactDeps = { db: Db };

/** The customer-contact side effects: the asking message, the answer, the fallbacks. Idempotent by contact and channel. */
export function createContactActivities({ db }: ContactDeps) {
  const timeline = (
    c: contacts.ContactRow,
    type: CaseEventType,
    data: Record<string, unknown>,
    key: string,
  ) =>
    db.transaction(async (t) => {
      // Asking the customer is one of the case's actions: operators watching alerts see it done.
      if (type === 'customer_contacted' && c.case_id) {
        await emitEvent(t, {
          orgId: c.org_id,
          streams: ['alerts'],
          type: 'action_completed',
          payload: {
            action: 'customer_contacted',
            result: { status: 'sent', ...data },
            contact_id: c.id,
            case_id: c.case_id,
            customer_id: c.customer_id,
          },
          dedupKey: `action_completed:customer_contacted:${key}`,
        });
      }
      await record(t, {
        orgId: c.org_id,
        caseId: c.case_id,
        type,
        actor: { type: 'system', id: 'customerContact' },
        data: { contact_id: c.id, ...data },
        key,
        stream: {
          names: c.case_id ? ['notifications', `case:${c.case_id}`] : ['notifications'],
          payload: { contact_id: c.id, customer_id: c.customer_id, ...data },
        },
      });
    });

  const load = async (orgId: string, contactId: string) => {
    const c = await contacts.getContact(db, orgId, contactId);
    if (!c) throw ApplicationFailure.nonRetryable(`contact ${contactId} not found`, 'NotFound');
    return c;
  };

  return {
    async loadContact(input: { orgId: string; contactId: string }) {
      const c = await load(input.orgId, input.contactId);
      return {
        channels: c.channels,
        expectReply: c.expect_reply,
        replyTimeoutMs: c.reply_timeout_seconds * 1000,
        status: c.status,
      };
    },

    /**
     * Writes the asking message as a notification on one channel; the workflow then delivers it.
     * The answer links are not part of it: sendMessage adds them to the email it sends.
     */
    async startContactMessage(input: { orgId: string; contactId: string; channel: 'email' | 'sms' }) {
      const c = await load(input.orgId, input.contactId);
      const template = CONTACT_TEMPLATES[c.template];
      if (!template)
        throw ApplicationFailure.nonRetryable(`unknown contact template ${c.template}`, 'UnknownTemplate');
      const text = (source: string) => render('in_app', { subject: null, body: source }, c.variables).text;
      const { row } = await createNotification(db, c.org_id, {
        customer_id: c.customer_id,
        source: 'contact',
        kind: template.kind,
        title: text(template.title),
        message: text(input.channel === 'sms' ? template.sms : template.message),
        critical: template.critical,
        channels: [input.channel],
        metadata: { contact_id: c.id },
        dedup_key: `contact:${c.id}:${input.channel}`,
      });
      await contacts.updateContact(db, c.org_id, c.id, {
        status: c.expect_reply ? 'awaiting_reply' : 'sent',
        current_channel: input.channel,
      });
      await timeline(
        c,
        'customer_contacted',
        { channel: input.channel, notification_id: row.id },
        `${c.id}:${input.channel}`,
      );
      return { notificationId: row.id };
    },

    async recordReply(input: { orgId: string; contactId: string; answer: 'yes' | 'no'; via: string }) {
      const c = await load(input.orgId, input.contactId);
      await contacts.updateContact(db, c.org_id, c.id, {
        status: 'replied',
        answer: input.answer,
        answered_via: input.via,
      });
      await timeline(c, 'customer_replied', { answer: input.answer, via: input.via }, c.id);
    },

    async finishContact(input: {
      orgId: string;
      contactId: string;
      status: 'no_reply' | 'callback_requested';
    }) {
      const c = await load(input.orgId, input.contactId);
      if (input.status === 'callback_requested') {
        await contacts.createCallbackTask(db, c.org_id, {
          contact_id: c.id,
          customer_id: c.customer_id,
          case_id: c.case_id,
        });
      }
      await contacts.updateContact(db, c.org_id, c.id, {
        status: input.status,
        current_channel: input.status === 'callback_requested' ? 'phone' : undefined,
      });
      await timeline(c, input.status === 'no_reply' ? 'customer_no_reply' : 'callback_requested', {}, c.id);
    },
  };
}
