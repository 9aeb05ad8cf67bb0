import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { bailEvent, notifyBondParties } from '../../commands/bail/bond-parties.js';
import { settleUnansweredCharges } from '../../commands/bail/charge-card.js';
import { chargeInstallment } from '../../commands/bail/charge-installment.js';
import * as dunning from '../../commands/bail/dunning.js';
import * as envelopes from '../../commands/bail/envelope-status.js';
import { getDocument } from '../../db/bail/documents.js';
import * as failures from '../../commands/bail/failure-to-appear.js';
import * as appearances from '../../db/bail/appearances.js';
import * as bonds from '../../db/bail/bonds.js';
import * as plans from '../../db/bail/payment-plans.js';
import { hasPendingCharge } from '../../db/bail/payments.js';
import { createBailTask } from '../../db/bail/tasks.js';
import type { Db } from '../../db/pool.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { courtDateText } from '../../workflows/bail/court-schedule.js';
import type { Actor } from '../../workflows/platform/actor.js';
import { localESign, localPayments } from './providers/local.js';
import { PaymentsDisabledError, type ESignProvider, type PaymentProvider } from './providers/types.js';
import type { BailActivities } from './types.js';

export type BailDeps = {
  db: Db;
  temporal: Client;
  taskQueuePrefix?: string;
  /** Stripe when configured; else the local provider that only records the charge. */
  payments?: PaymentProvider;
  /** DocuSign when configured; else the local provider (envelopes signed through the API). */
  esign?: ESignProvider;
};

/** The running workflow, for the audit trail. */
const actor = (): Actor => {
  try {
    return { type: 'workflow', id: Context.current().info.workflowExecution?.workflowId ?? 'bail' };
  } catch {
    return { type: 'system', id: 'bail' };
  }
};

const REMINDER_WORDS: Record<string, string> = {
  '7d': 'in one week',
  '3d': 'in three days',
  '1d': 'tomorrow',
  day_of: 'today',
};

/**
 * The bail context's side effects. Each is idempotent by its business key (a reminder key on the
 * appearance, a task's dedup key, a notification's dedup key), so a retried activity never tells
 * anyone twice; deliveries start after the commit (the sweeper makes any that fail).
 */
export function createBailActivities(deps: BailDeps): BailActivities {
  const { db } = deps;
  const payments = deps.payments ?? localPayments();
  const esign = deps.esign ?? localESign();
  const deliver = (starts: PendingStart[]) =>
    dispatchStarts(deps.temporal, db, starts, { prefix: deps.taskQueuePrefix });

  async function bondAndAppearance(orgId: string, bondId: string, appearanceId: string) {
    const bond = await bonds.getBond(db, orgId, bondId);
    const a = await appearances.getAppearance(db, orgId, appearanceId);
    if (!bond || !a || a.bond_id !== bondId) throw new NotFoundError('appearance');
    return { bond, a };
  }

  return {
    async loadCourtPlan({ orgId, bondId }) {
      const bond = await bonds.getBond(db, orgId, bondId);
      if (!bond) return { bondStatus: 'cancelled', graceDays: 0, appearance: null, failureToAppear: null };
      const next = await appearances.nextAppearance(db, orgId, bondId);
      return {
        bondStatus: bond.status,
        graceDays: await bonds.graceDays(db, orgId, bondId),
        appearance: next && {
          id: next.id,
          scheduledAt: next.scheduled_at,
          timeZone: next.time_zone,
          status: next.status,
          remindersSent: next.reminders_sent,
        },
        failureToAppear:
          bond.failure_to_appear_at && bond.forfeiture_due_at
            ? {
                appearanceId: (await appearances.latestRaisedAppearance(db, orgId, bondId)) ?? '',
                missedAt: bond.failure_to_appear_at,
                forfeitureDueAt: bond.forfeiture_due_at,
              }
            : null,
      };
    },

    async sendCourtReminder({ orgId, bondId, appearanceId, reminder }) {
      const { bond, a } = await bondAndAppearance(orgId, bondId, appearanceId);
      const when = courtDateText(a.scheduled_at, a.time_zone);
      const starts = await db.transaction(async (t) => {
        // The reminder key and its notifications commit together: a retry finds it claimed.
        if (!(await appearances.claimReminder(t, orgId, a.id, reminder))) return [];
        const where = a.address ? `${a.court_name}, ${a.address}` : a.court_name;
        const started = await notifyBondParties(t, orgId, bond, {
          kind: 'bail_court_reminder',
          title: `Court date ${REMINDER_WORDS[reminder] ?? 'soon'}`,
          message: `Reminder: court ${REMINDER_WORDS[reminder] ?? 'soon'}, ${when.date} at ${when.time}, ${where}${bond.case_number ? ` (case ${bond.case_number})` : ''}. Missing it can forfeit the bond.`,
          metadata: {
            appearance_id: a.id,
            reminder,
            scheduled_at: a.scheduled_at,
            court_name: a.court_name,
            address: a.address,
            date: when.date,
            time: when.time,
          },
          key: `bail:court:${a.id}:${reminder}`,
        });
        await bailEvent(t, orgId, 'appearance.reminded', { bond_id: bondId, appearance_id: a.id, reminder });
        return started;
      });
      await deliver(starts);
      return { sent: starts.length };
    },

    async sendRescheduleNotice({ orgId, bondId, appearanceId }) {
      const { bond, a } = await bondAndAppearance(orgId, bondId, appearanceId);
      const when = courtDateText(a.scheduled_at, a.time_zone);
      const starts = await db.transaction((t) =>
        notifyBondParties(t, orgId, bond, {
          kind: 'bail_court_rescheduled',
          title: 'Court date moved',
          message: `Your court date has moved to ${when.date} at ${when.time}, ${a.court_name}${a.address ? `, ${a.address}` : ''}.`,
          metadata: {
            appearance_id: a.id,
            scheduled_at: a.scheduled_at,
            court_name: a.court_name,
            date: when.date,
            time: when.time,
          },
          key: `bail:rescheduled:${a.id}`,
        }),
      );
      await deliver(starts);
      return { sent: starts.length };
    },

    async requestOutcome({ orgId, bondId, appearanceId }) {
      const { bond, a } = await bondAndAppearance(orgId, bondId, appearanceId);
      await db.transaction(async (t) => {
        const task = await createBailTask(t, orgId, {
          bondId,
          type: 'record_outcome',
          priority: 'high',
          title: `Record the outcome of ${a.court_name} on ${courtDateText(a.scheduled_at, a.time_zone).date}`,
          details: { appearance_id: a.id, scheduled_at: a.scheduled_at },
          assignedTo: bond.created_by,
          dedupKey: `outcome:${a.id}`,
        });
        if (task)
          await bailEvent(t, orgId, 'task.created', { bond_id: bondId, task_id: task.id, type: task.type });
      });
    },

    async raiseFailureToAppear({ orgId, bondId, appearanceId }) {
      const r = await failures.raiseFailureToAppear(db, orgId, bondId, appearanceId, actor());
      await deliver(r.starts);
      return { forfeitureDueAt: r.forfeitureDueAt ?? '' };
    },

    remindForfeiture: ({ orgId, bondId, appearanceId, daysLeft }) =>
      failures.remindForfeiture(db, orgId, bondId, appearanceId, daysLeft),

    forfeitBond: ({ orgId, bondId, appearanceId }) =>
      failures.forfeitBond(db, orgId, bondId, appearanceId, actor()),

    async loadPaymentPlan({ orgId, planId }) {
      const plan = await plans.getPaymentPlan(db, orgId, planId);
      if (!plan) return { status: 'cancelled', timeZone: 'UTC', next: null };
      const next = (await plans.listInstallments(db, orgId, planId)).find(
        (i) => i.status === 'pending' || i.status === 'failed',
      );
      return {
        status: plan.status,
        timeZone: await plans.planTimeZone(db, orgId, planId),
        next: next
          ? {
              id: next.id,
              seq: next.seq,
              dueDate: next.due_date,
              amount: next.amount,
              attempts: next.attempts,
              failed: next.status === 'failed',
              processing: await hasPendingCharge(db, orgId, next.id),
            }
          : null,
      };
    },

    chargeInstallment: ({ orgId, planId, installmentId, attempt }) =>
      chargeInstallment(db, payments, orgId, { planId, installmentId, attempt }, actor()).catch(
        (err: unknown) => {
          // PAYMENTS_PROVIDER=manual: no retry will charge the card; the plan's run hears it once.
          if (err instanceof PaymentsDisabledError)
            throw ApplicationFailure.nonRetryable(err.message, 'PaymentsDisabled');
          throw err;
        },
      ),

    settleUnansweredCharges: ({ olderThanSeconds }) =>
      settleUnansweredCharges(db, payments, { olderThanSeconds }),

    async sendDunningNotice({ orgId, planId, installmentId, attempt }) {
      await deliver(await dunning.sendDunningNotice(db, orgId, { planId, installmentId, attempt }));
    },

    async markPlanDelinquent({ orgId, planId, installmentId }) {
      await deliver(await dunning.markPlanDelinquent(db, orgId, { planId, installmentId }, actor()));
    },

    completePaymentPlan: ({ orgId, planId }) => dunning.completePaymentPlan(db, orgId, planId, actor()),

    sendEnvelope: ({ orgId, documentId }) => envelopes.sendEnvelope(db, esign, orgId, documentId, actor()),

    async loadDocument({ orgId, documentId }) {
      const doc = await getDocument(db, orgId, documentId);
      if (!doc) return { status: 'voided', expiresAt: new Date(0).toISOString() };
      return { status: doc.status, expiresAt: doc.expires_at ?? new Date(0).toISOString() };
    },

    async remindSigner({ orgId, documentId }) {
      const doc = await getDocument(db, orgId, documentId);
      if (doc?.status === 'sent' && doc.envelope_id && doc.provider === esign.name)
        await esign.remind(doc.envelope_id);
    },

    expireDocument: ({ orgId, documentId }) => envelopes.expireDocument(db, orgId, documentId, actor()),
  };
}
