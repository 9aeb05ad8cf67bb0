import { ApplicationFailure, Context } from '@temporalio/activity';
import { countDelivery } from '../metrics.js';
import { appendAudit } from '../../db/platform/audit.js';
import { emitEvent } from '../../db/platform/events.js';
import * as deliveries from '../../db/notify/deliveries.js';
import * as health from '../../db/notify/provider-health.js';
import {
  archiveNotificationsBefore,
  deleteArchivedBefore,
  getNotification,
} from '../../db/notify/notifications.js';
import { getPreferences } from '../../db/notify/preferences.js';
import { activeTemplate } from '../../db/notify/templates.js';
import { applyProviderStatus, type ProviderStatus } from '../../db/notify/provider-status.js';
import type { Db } from '../../db/pool.js';
import { getCustomer } from '../../db/customers/customers.js';
import { getContact } from '../../db/notify/contacts.js';
import { getOrganization } from '../../db/platform/organizations.js';
import { answerLinks } from '../../lib/answer-links.js';
import {
  CIRCUIT_OPEN,
  retryDelayMs,
  type Channel,
  type SendChannel,
} from '../../workflows/notify/channels.js';
import type { QuietHours } from '../../workflows/notify/quiet-hours.js';
import { outboxProvider } from './providers/outbox.js';
import { ProviderError, type Provider } from './providers/types.js';
import {
  actionLink,
  builtInTemplate,
  DEFAULT_LOCALE,
  render,
  TemplateBudgetExceeded,
  type Template,
} from '../../lib/templates.js';

export type NotifyDeps = {
  db: Db;
  providers?: Partial<Record<SendChannel, Provider>>;
  /** Signs the answer links of customer contacts (LINK_SIGNING_KEY); the API verifies them. */
  linkKey?: string;
  /** Where answer links point (PUBLIC_URL). */
  publicUrl?: string;
  /** The customer-facing app, where emails' action buttons lead (APP_URL); none without it. */
  appUrl?: string;
  /** The daily retention pass: inbox notifications and delivery records kept this long. */
  retention?: { notificationDays: number; deliveryDays: number };
};

/** The seed's cleanup: notifications leave the inbox after 90 days, delivery records go after 180. */
export const DEFAULT_RETENTION = { notificationDays: 90, deliveryDays: 180 };
const RETENTION_BATCH = 5_000;

export type DeliveryPlan = {
  critical: boolean;
  quietHours: QuietHours | null;
  sends: { channel: SendChannel; deliveryId: string }[];
};

const FINAL = new Set(['sent', 'delivered', 'failed', 'bounced', 'suppressed']);

/** The notification engine's side effects; each is idempotent by the delivery's unique (notification, channel). */
/** A message rendered for sending; a template over its budget fails the delivery (no retry can help). */
function renderOrFail(...args: Parameters<typeof render>) {
  try {
    return render(...args);
  } catch (err) {
    if (err instanceof TemplateBudgetExceeded)
      throw ApplicationFailure.nonRetryable(err.message, 'TemplateTooExpensive');
    throw err;
  }
}

export function createNotifyActivities(deps: NotifyDeps) {
  const { db } = deps;
  const outbox = outboxProvider(db);
  const providerFor = (channel: SendChannel) => deps.providers?.[channel] ?? outbox;

  /**
   * The YES / NO links of a contact's email, signed now and valid while the contact can still be
   * answered (this channel's wait and the fallbacks after it). Nothing stores them.
   */
  async function contactLinks(
    orgId: string,
    n: { source: string; customer_id: string; metadata: Record<string, unknown> },
  ) {
    // Only a contact's own message, to its own customer, carries the links that answer it.
    if (n.source !== 'contact') return null;
    const contactId = typeof n.metadata.contact_id === 'string' ? n.metadata.contact_id : null;
    const contact = contactId ? await getContact(db, orgId, contactId) : null;
    if (!contact?.expect_reply || contact.customer_id !== n.customer_id) return null;
    if (!deps.linkKey) throw ApplicationFailure.nonRetryable('LINK_SIGNING_KEY is not configured', 'Config');
    const left =
      contact.channels.length - Math.max(0, contact.channels.indexOf(contact.current_channel ?? ''));
    const expiresAt = new Date(Date.now() + left * contact.reply_timeout_seconds * 1000);
    return answerLinks(deps.linkKey, deps.publicUrl ?? 'http://127.0.0.1:3000', contact.id, expiresAt);
  }

  /** The organisation's template in the customer's locale (or its default), else the built-in one. */
  async function template(
    orgId: string,
    n: { kind: string; metadata: Record<string, unknown> },
    channel: Channel,
    locale: string | null,
  ): Promise<Template> {
    const custom = await activeTemplate(db, orgId, n.kind, channel, locale);
    return custom ?? builtInTemplate(n.kind, channel, n.metadata);
  }

  return {
    /**
     * Decides each channel: in-app is always stored (and pushed to SSE); email and SMS go when
     * the customer allows them, has a valid address and is under the hourly and daily limits
     * (critical kinds skip the limits). Refused channels are recorded as suppressed, with why.
     */
    async planDelivery(input: { orgId: string; notificationId: string }): Promise<DeliveryPlan> {
      const n = await getNotification(db, input.orgId, input.notificationId);
      if (!n)
        throw ApplicationFailure.nonRetryable(`notification ${input.notificationId} not found`, 'NotFound');
      const [customer, prefs] = await Promise.all([
        getCustomer(db, input.orgId, n.customer_id),
        getPreferences(db, input.orgId, n.customer_id),
      ]);
      if (!customer || !prefs)
        throw ApplicationFailure.nonRetryable(`customer ${n.customer_id} not found`, 'NotFound');
      // Only the stored flag: set by the system or a caller with notifications:critical, never by kind.
      const critical = n.critical;
      const wanted = new Set(n.channels ?? prefs.channels_by_kind[n.kind] ?? ['in_app', 'email', 'sms']);
      wanted.add('in_app');

      await db.transaction(async (t) => {
        await deliveries.ensureDelivery(t, input.orgId, {
          notification_id: n.id,
          customer_id: n.customer_id,
          channel: 'in_app',
          destination: null,
          status: 'delivered',
        });
        await emitEvent(t, {
          orgId: input.orgId,
          streams: ['notifications'],
          type: 'notification',
          payload: {
            id: n.id,
            customer_id: n.customer_id,
            kind: n.kind,
            title: n.title,
            message: n.message,
            critical,
          },
          dedupKey: `notification:${n.id}`,
        });
      });

      const sends: DeliveryPlan['sends'] = [];
      const channels: { channel: SendChannel; destination: string | null; refused: string | null }[] = [
        {
          channel: 'email',
          destination: customer.email,
          refused: !customer.email
            ? 'no email address'
            : !prefs.email_enabled
              ? 'email turned off by the customer'
              : prefs.email_invalid_at
                ? 'email address bounced; awaiting re-verification'
                : null,
        },
        {
          channel: 'sms',
          destination: customer.phone,
          refused: !customer.phone
            ? 'no phone number'
            : !prefs.sms_enabled
              ? 'SMS turned off by the customer'
              : null,
        },
      ];
      for (const c of channels.filter((c) => wanted.has(c.channel))) {
        let refused = c.refused;
        if (!refused && !critical) {
          const [hour, day] = await Promise.all([
            deliveries.recentSends(db, input.orgId, n.customer_id, c.channel, 3600),
            deliveries.recentSends(db, input.orgId, n.customer_id, c.channel, 86_400),
          ]);
          if (hour >= prefs.max_per_hour) refused = `rate limited: ${prefs.max_per_hour} per hour`;
          else if (day >= prefs.max_per_day) refused = `rate limited: ${prefs.max_per_day} per day`;
        }
        const d = await deliveries.ensureDelivery(db, input.orgId, {
          notification_id: n.id,
          customer_id: n.customer_id,
          channel: c.channel,
          destination: c.destination,
          status: refused ? 'suppressed' : 'pending',
          reason: refused,
        });
        if (!FINAL.has(d.status)) sends.push({ channel: c.channel, deliveryId: d.id });
      }
      const quietHours =
        prefs.quiet_hours_enabled && !critical
          ? { start: prefs.quiet_hours_start, end: prefs.quiet_hours_end, timezone: prefs.timezone }
          : null;
      return { critical, quietHours, sends };
    },

    async holdDeliveries(input: { orgId: string; deliveryIds: string[]; until: string }) {
      for (const id of input.deliveryIds) {
        await deliveries.updateDelivery(db, input.orgId, id, {
          held_until: input.until,
          reason: 'quiet hours',
        });
      }
    },

    /**
     * One attempt to send one delivery. Provider answers are classified: 4xx (but 408/429) fail
     * at once with their code; 429 waits for Retry-After; others retry with the channel's backoff.
     */
    async sendMessage(input: {
      orgId: string;
      deliveryId: string;
    }): Promise<{ providerMessageId: string | null; provider: string | null }> {
      const d = await deliveries.getDelivery(db, input.orgId, input.deliveryId);
      if (!d) throw ApplicationFailure.nonRetryable(`delivery ${input.deliveryId} not found`, 'NotFound');
      // A retry after the outcome was recorded (the worker died before answering): the same answer.
      if (d.status === 'failed')
        throw ApplicationFailure.nonRetryable(d.error_text ?? 'failed', d.error_code ?? 'Failed');
      if (FINAL.has(d.status)) return { providerMessageId: d.provider_message_id, provider: d.provider };
      if (d.channel === 'in_app') return { providerMessageId: null, provider: null };
      const channel = d.channel;
      const n = await getNotification(db, input.orgId, d.notification_id);
      const customer = await getCustomer(db, input.orgId, d.customer_id);
      if (!n || !customer || !d.destination) {
        throw ApplicationFailure.nonRetryable('notification, customer or destination is gone', 'NotFound');
      }
      const { name, sms_number: smsNumber } = await getOrganization(db, input.orgId);
      const org = { name };
      const locale = (await getPreferences(db, input.orgId, d.customer_id))?.locale ?? null;
      const message = renderOrFail(channel, await template(input.orgId, n, channel, locale), {
        title: n.title,
        message: n.message,
        metadata: n.metadata,
        customer: { first_name: customer.first_name, last_name: customer.last_name },
        org,
        locale: locale ?? DEFAULT_LOCALE,
        timestamp: n.created_at,
        ...actionLink(deps.appUrl, n.metadata),
        answer_links: channel === 'email' ? await contactLinks(input.orgId, n) : null,
      });
      // A redelivery numbers its attempts after those already logged.
      const attempt = d.attempt_base + Context.current().info.attempt;
      const provider = providerFor(channel);
      const guarded = provider.name !== 'outbox';
      if (guarded) {
        const circuit = await health.checkCircuit(db, provider.name);
        if (circuit.open) {
          // Not a failure of this message: the workflow waits for the circuit and tries again, so nothing is dropped.
          throw ApplicationFailure.nonRetryable(`${provider.name} circuit is open`, CIRCUIT_OPEN, {
            retryAt: circuit.openUntil,
          });
        }
      }
      const outgoing = {
        orgId: input.orgId,
        deliveryId: d.id,
        channel,
        to: d.destination,
        from: channel === 'sms' ? smsNumber : null,
        subject: message.subject,
        text: message.text,
        html: message.html,
      };
      try {
        // A previous attempt died mid-request: ask the provider before sending again.
        const previous = await deliveries.lastAttempt(db, input.orgId, d.id);
        const already =
          previous?.outcome === 'in_flight' && provider.find
            ? await provider.find(outgoing, new Date(Date.parse(previous.created_at) - 60_000))
            : null;
        if (!already) {
          await deliveries.recordAttempt(db, input.orgId, {
            delivery_id: d.id,
            attempt,
            outcome: 'in_flight',
          });
        }
        const started = performance.now();
        const sent = already ?? (await provider.send(outgoing));
        const seconds = (performance.now() - started) / 1000;
        if (guarded) await health.recordSuccess(db, provider.name);
        await db.transaction(async (t) => {
          await deliveries.recordAttempt(t, input.orgId, { delivery_id: d.id, attempt, outcome: 'sent' });
          await deliveries.updateDelivery(t, input.orgId, d.id, {
            status: 'sent',
            provider: provider.name,
            provider_message_id: sent.providerMessageId,
            attempts: attempt,
            error_code: null,
            error_text: null,
            stamp: 'sent_at',
          });
          await appendAudit(t, {
            orgId: input.orgId,
            actorType: 'workflow',
            actorId: Context.current().info.workflowExecution?.workflowId ?? 'deliverNotification',
            action: 'message.sent',
            resourceType: 'notification_delivery',
            resourceId: d.id,
            after: { channel, provider: provider.name, provider_message_id: sent.providerMessageId },
            dedupKey: `message.sent:${d.id}`,
          });
        });
        countDelivery(channel, 'sent', seconds);
        return { ...sent, provider: provider.name };
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        // Only the provider's own trouble (5xx, unreachable) counts against its circuit.
        if (guarded && err.retryable && err.status !== 429)
          await health.recordFailure(db, provider.name, err.message);
        await db.transaction(async (t) => {
          await deliveries.recordAttempt(t, input.orgId, {
            delivery_id: d.id,
            attempt,
            outcome: err.retryable ? 'retry' : 'failed',
            http_status: err.status,
            error_code: err.code,
            error_text: err.message,
          });
          await deliveries.updateDelivery(t, input.orgId, d.id, {
            status: err.retryable ? 'retrying' : 'failed',
            provider: provider.name,
            attempts: attempt,
            error_code: err.code,
            error_text: err.message,
            ...(!err.retryable && { stamp: 'failed_at' as const }),
          });
        });
        if (!err.retryable) {
          countDelivery(channel, 'failed');
          throw ApplicationFailure.nonRetryable(err.message, err.code);
        }
        throw ApplicationFailure.create({
          message: err.message,
          type: err.code,
          nextRetryDelay:
            err.retryAfterMs ?? retryDelayMs(channel, Context.current().info.attempt, Math.random()),
        });
      }
    },

    async recordProviderStatus(input: { orgId: string } & ProviderStatus) {
      const { orgId, ...status } = input;
      const applied = await applyProviderStatus(db, orgId, status);
      if (applied && status.status !== 'spam_report') {
        const d = await deliveries.getDelivery(db, orgId, status.deliveryId);
        if (d) countDelivery(d.channel, status.status);
      }
      return applied;
    },

    /**
     * One batch of each retention step (archive old notifications, delete old deliveries, then
     * the archived notifications nothing points at); the workflow calls again while any is full.
     */
    async enforceNotificationRetention(): Promise<{
      archived: number;
      deliveries: number;
      deleted: number;
      more: boolean;
    }> {
      const { notificationDays, deliveryDays } = deps.retention ?? DEFAULT_RETENTION;
      const archived = await archiveNotificationsBefore(db, notificationDays, RETENTION_BATCH);
      const gone = await deliveries.deleteDeliveriesBefore(db, deliveryDays, RETENTION_BATCH);
      const deleted = await deleteArchivedBefore(
        db,
        Math.max(notificationDays, deliveryDays),
        RETENTION_BATCH,
      );
      Context.current().heartbeat();
      return {
        archived,
        deliveries: gone,
        deleted,
        more: [archived, gone, deleted].some((n) => n === RETENTION_BATCH),
      };
    },

    /** After a round's last attempt: the delivery failed (see failRound for what it leaves alone). */
    async failDelivery(input: { orgId: string; deliveryId: string; error: string; round?: number }) {
      const channel = await deliveries.failRound(
        db,
        input.orgId,
        input.deliveryId,
        input.round ?? 0,
        input.error,
      );
      if (!channel) return;
      countDelivery(channel, 'failed');
    },
  };
}
