import { ApplicationFailure } from '@temporalio/activity';
import { record } from '../../commands/record.js';
import { addCaseNote } from '../../commands/triage/add-case-note.js';
import { assignAlert } from '../../commands/triage/assign-alert.js';
import { resolveAlert } from '../../commands/triage/resolve-alert.js';
import { emitEvent } from '../../db/platform/events.js';
import * as alerts from '../../db/triage/alerts.js';
import { alertView } from '../../db/triage/alerts.js';
import * as runs from '../../db/triage/agent-runs.js';
import * as cases from '../../db/triage/cases.js';
import * as transactions from '../../db/triage/transactions.js';
import { ConflictError } from '../../lib/domain-errors.js';
import { parseActor } from '../../workflows/platform/actor.js';
import { DEFAULT_THRESHOLDS, screenTransaction as screen } from '../../workflows/triage/screening.js';
import { SLA_MS } from '../../workflows/triage/sla.js';
import { AGENT_IMPLS } from './agents/index.js';
import { workflowActor } from './deps.js';
import type { TriageActivities, TriageDeps } from './types.js';
import { finishAgentRun } from './agent-outcome.js';
import { screeningFeatures } from './features.js';
import { createCardFreezeActivities } from './card-freeze.js';
import { createContactAgentActivities } from './contact-agent.js';
import { createDisputeActivities } from './disputes.js';

export type { TriageActivities, TriageDeps } from './types.js';

const caseStream = (caseId: string) => `case:${caseId}`;

/**
 * Triage side effects. Every one is idempotent: rows are claimed by unique keys, events and case
 * events carry dedup keys, so a retry or a worker crash never writes twice.
 */
export function createTriageActivities(deps: TriageDeps): TriageActivities {
  const { db } = deps;
  const thresholds = deps.thresholds ?? DEFAULT_THRESHOLDS;

  return {
    ...createCardFreezeActivities(deps),
    ...createDisputeActivities(deps),
    ...createContactAgentActivities(deps),

    /** Scores one transaction and raises its alert when a screening rule fires. */
    async screenTransaction(input) {
      const tx = await transactions.getTransaction(db, input.orgId, input.transactionId);
      if (!tx)
        throw ApplicationFailure.nonRetryable(`transaction ${input.transactionId} not found`, 'NotFound');
      const result = screen(await screeningFeatures(db, tx, thresholds), thresholds);
      await transactions.setRisk(db, input.orgId, tx.id, {
        score: result.riskScore,
        level: result.riskLevel,
      });
      if (!result.alert) return { riskScore: result.riskScore, alert: null };
      const { alert, created } = await db.transaction(async (t) => {
        const raised = await alerts.raiseAlert(t, input.orgId, {
          customer_id: tx.customer_id,
          transaction_id: tx.id,
          card_id: tx.card_id,
          alert_type: result.alert!.alertType,
          priority: result.alert!.priority,
          title: result.alert!.title,
          description: result.signals.map((s) => s.reason).join('; '),
          data: {
            signals: result.signals,
            risk_score: result.riskScore,
            amount: tx.amount,
            currency: tx.currency,
          },
          dedup_key: `tx:${tx.id}`,
        });
        await emitEvent(t, {
          orgId: input.orgId,
          streams: ['alerts'],
          type: 'alert_created',
          payload: { alert: alertView(raised.alert) },
          dedupKey: `alert_created:${raised.alert.id}`,
        });
        return raised;
      });
      return {
        riskScore: result.riskScore,
        alert: { id: alert.id, priority: alert.priority, customerId: alert.customer_id, created },
      };
    },

    /** Opens (or reopens) the alert's case and records the triage plan. */
    async openTriage(input) {
      const alert = await alerts.getAlert(db, input.orgId, input.alertId);
      if (!alert) throw ApplicationFailure.nonRetryable(`alert ${input.alertId} not found`, 'NotFound');
      return db.transaction(async (t) => {
        const slaDueAt = new Date(Date.parse(alert.created_at) + SLA_MS[alert.priority]).toISOString();
        const { row } = await cases.ensureCase(t, input.orgId, {
          alert_id: alert.id,
          customer_id: alert.customer_id,
          priority: alert.priority,
          sla_due_at: slaDueAt,
        });
        if (row.status === 'pending')
          await cases.updateCase(t, input.orgId, row.id, { status: 'investigating' });
        await runs.recordPlan(t, input.orgId, alert.id, input.batches);
        await record(t, {
          orgId: input.orgId,
          caseId: row.id,
          type: 'triage_started',
          actor: workflowActor(),
          data: { batches: input.batches },
          key: alert.id,
          stream: { payload: { alert_id: alert.id, case_id: row.id, batches: input.batches } },
        });
        return {
          caseId: row.id,
          customerId: alert.customer_id,
          transactionId: alert.transaction_id,
          cardId: alert.card_id,
          priority: alert.priority,
          slaDueAt: row.sla_due_at ?? slaDueAt,
          resolved: alert.status === 'resolved' || alert.status === 'closed',
          assignedAgent: alert.assigned_agent,
        };
      });
    },

    /** Runs one agent and records its result (agent_runs, an event, the case timeline) as soon as it is done. */
    async runAgent(input) {
      const { context: ctx, agent } = input;
      const impl = AGENT_IMPLS[agent as keyof typeof AGENT_IMPLS] as
        (typeof AGENT_IMPLS)[keyof typeof AGENT_IMPLS] | undefined;
      if (!impl)
        throw ApplicationFailure.nonRetryable(`no implementation for agent ${agent}`, 'UnknownAgent');
      const done = await runs.getRun(db, ctx.orgId, ctx.alertId, agent);
      if (done?.status === 'completed' && done.result) return done.result; // a retry after the write
      await runs.markRunning(db, ctx.orgId, ctx.alertId, agent);
      const result = await impl(ctx, deps);
      await db.transaction((t) =>
        finishAgentRun(t, ctx, agent, input.batch, { status: 'completed', result }),
      );
      return result;
    },

    /** Records an agent that failed after its retries, or was skipped because a dependency did. */
    async finishAgent(input) {
      const { context: ctx } = input;
      await db.transaction((t) =>
        finishAgentRun(t, ctx, input.agent, input.batch, { status: input.status, error: input.error }),
      );
    },

    async completeTriage(input) {
      await emitEvent(db, {
        orgId: input.orgId,
        streams: ['alerts', caseStream(input.caseId)],
        type: 'triage_completed',
        payload: { alert_id: input.alertId, case_id: input.caseId, partial: input.partial },
        dedupKey: `triage_completed:${input.alertId}`,
      });
    },

    async assignAlert(input) {
      try {
        const alert = await assignAlert(db, input.orgId, {
          alertId: input.alertId,
          agent: input.agent,
          actor: parseActor(input.actor),
          key: input.updateId,
        });
        return { assigned_agent: alert.assigned_agent ?? input.agent };
      } catch (err) {
        if (err instanceof ConflictError) throw ApplicationFailure.nonRetryable(err.message, 'Conflict');
        throw err;
      }
    },

    async resolveAlert(input) {
      try {
        await resolveAlert(db, input.orgId, {
          alertId: input.alertId,
          resolution: input.resolution,
          actions_taken: input.actions_taken,
          outcome: input.outcome,
          actor: parseActor(input.actor),
          key: input.updateId,
        });
      } catch (err) {
        // Resolved already (a retry after the commit): the outcome the caller wanted holds.
        if (!(err instanceof ConflictError)) throw err;
        const current = await alerts.getAlert(db, input.orgId, input.alertId);
        if (current?.status !== 'resolved') throw ApplicationFailure.nonRetryable(err.message, 'Conflict');
      }
      return { status: 'resolved' as const };
    },

    async addCaseNote(input) {
      await addCaseNote(db, input.orgId, {
        caseId: input.caseId,
        note: input.note,
        actor: parseActor(input.actor),
        key: input.updateId,
      });
      return { added: true as const };
    },

    /** The SLA ran out: priority up one step, an event and a case event. */
    async escalateAlert(input) {
      await db.transaction(async (t) => {
        const alert = await alerts.setAlertPriority(t, input.orgId, input.alertId, input.to);
        await cases.updateCase(t, input.orgId, input.caseId, {
          priority: input.to,
          sla_due_at: input.slaDueAt,
        });
        await record(t, {
          orgId: input.orgId,
          caseId: input.caseId,
          type: 'escalated',
          actor: workflowActor(),
          data: { from: input.from, to: input.to, sla_due_at: input.slaDueAt },
          key: `${input.alertId}:${input.step}`,
          stream: {
            type: 'alert_escalated',
            payload: {
              alert: alert ? alertView(alert) : { id: input.alertId },
              from: input.from,
              to: input.to,
            },
          },
        });
      });
    },
  };
}
