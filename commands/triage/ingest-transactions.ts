import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../db/pool.js';
import { emitEvents, type NewEvent } from '../../db/platform/events.js';
import { queueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { applyEvaluation, lockedCustomersRules, type RuleActor } from '../../db/rules/evaluation.js';
import { alertView } from '../../db/triage/alerts.js';
import * as alerts from '../../db/triage/alerts.js';
import { ownersOf, postToBalances } from '../../db/triage/accounts.js';
import { appendCaseEvents } from '../../db/triage/cases.js';
import { lockCustomers } from '../../db/customers/customers.js';
import * as transactions from '../../db/triage/transactions.js';
import { featuresFrom } from '../../activities/triage/features.js';
import { evaluateTransactions } from '../../workflows/rules/evaluate-rows.js';
import { REALTIME_TYPES } from '../../workflows/rules/evaluators.js';
import {
  GROUPING_WINDOW_HOURS,
  joinAlert,
  needsTriage,
  newAlertData,
  type AlertPriority,
  type ScreenedTransaction,
} from '../../workflows/triage/alert-grouping.js';
import { triageWorkflowId } from '../../workflows/triage/ids.js';
import { CREDIT_TRANSACTION_TYPES } from '../../workflows/triage/ledger.js';
import type { AlertEvidence } from '../../workflows/triage/messages.js';
import { screenTransaction, type ScreeningThresholds } from '../../workflows/triage/screening.js';

export type IngestIssue = { index: number; field: string; message: string; code: string };

/** The request names records the organisation does not have, or that disagree with each other. */
export class IngestReferenceError extends Error {
  constructor(readonly issues: IngestIssue[]) {
    super('The transaction names records you do not have');
  }
}

export type IngestResult = {
  /** In the order given, each with its risk and alert; `created` false for an external id seen before. */
  results: { row: transactions.TransactionRow; created: boolean }[];
  /** Workflows the committed rows are owed (triage of a high alert, rule notices' deliveries). */
  starts: PendingStart[];
  /** Alerts under triage that new transactions joined: tell their runs after the commit. */
  evidence: { alertId: string; evidence: AlertEvidence }[];
};

/**
 * Ingests a batch of transactions (one or up to 1,000) in one database transaction: stores each
 * once per external id, screens it against its customer's history (one query for the batch),
 * raises an alert or joins the customer's open one, moves balances, evaluates the customers'
 * real-time alert rules, and records events. No workflow runs per transaction: the ones that
 * wait (a triage, a delivery) are queued with the rows and started after the commit.
 */
export async function ingestTransactions(
  db: Db,
  orgId: string,
  items: readonly transactions.TransactionInput[],
  o: { thresholds: ScreeningThresholds; actor: RuleActor },
): Promise<IngestResult> {
  return db.transaction(async (t) => {
    // Everything about one customer happens in order: their burst is one alert, their rules fire once.
    await lockCustomers(t, orgId, [...new Set(items.map((i) => i.customer_id))]);
    const resolved = await checkReferences(t, orgId, items);

    const ids = await transactions.claimTransactionKeys(t, orgId, resolved);
    const fresh = resolved
      .filter((i) => ids.has(i.external_id))
      .map((i) => ({ ...i, id: ids.get(i.external_id)! }));
    const seen = await transactions.transactionsByExternalIds(
      t,
      orgId,
      resolved.filter((i) => !ids.has(i.external_id)).map((i) => i.external_id),
    );
    const inserted = await transactions.insertTransactions(t, orgId, fresh);

    const histories = new Map(
      (await transactions.customerHistories(t, orgId, inserted, o.thresholds)).map((h) => [h.id, h]),
    );
    const screened = inserted.map((tx) => {
      const h = histories.get(tx.id)!;
      return {
        tx,
        localDay: h.local_day,
        screening: screenTransaction(featuresFrom(tx, h, o.thresholds), o.thresholds),
      };
    });

    const raised = await raiseOrJoinAlerts(t, orgId, screened);
    await transactions.setScreeningResults(
      t,
      orgId,
      screened.map(({ tx, screening }) => ({
        id: tx.id,
        transaction_date: tx.transaction_date,
        risk_score: screening.riskScore,
        risk_level: screening.riskLevel,
        alert_id: raised.alertOf.get(tx.id) ?? null,
      })),
    );

    // Balances first, so the rules see the balance the batch left.
    await postToBalances(t, orgId, inserted, CREDIT_TRANSACTION_TYPES);
    const ruleStarts = await evaluateRealtimeRules(t, orgId, screened, o.actor);
    await queueStarts(t, raised.starts);
    // Last: the per-organisation event lock is held only from here to the commit.
    await emitEvents(t, orgId, raised.events);

    const byId = new Map(
      screened.map(({ tx, screening }) => [
        tx.id,
        {
          ...tx,
          risk_score: screening.riskScore.toFixed(2),
          risk_level: screening.riskLevel,
          alert_id: raised.alertOf.get(tx.id) ?? null,
        },
      ]),
    );
    const before = new Map(seen.map((r) => [r.external_id, r]));
    return {
      results: resolved.map((i) =>
        ids.has(i.external_id)
          ? { row: byId.get(ids.get(i.external_id)!)!, created: true }
          : { row: before.get(i.external_id)!, created: false },
      ),
      starts: [...raised.starts, ...ruleStarts],
      evidence: raised.evidence,
    };
  });
}

/**
 * Every customer, account and card an item names must be the organisation's and agree with each
 * other; an item with a card but no account posts to the card's account, in its currency.
 */
async function checkReferences(
  t: Queryable,
  orgId: string,
  items: readonly transactions.TransactionInput[],
): Promise<transactions.TransactionInput[]> {
  const distinct = (pick: (i: transactions.TransactionInput) => string | null | undefined) => [
    ...new Set(items.map(pick).filter((v): v is string => Boolean(v))),
  ];
  const found = await ownersOf(t, orgId, {
    customers: distinct((i) => i.customer_id),
    accounts: distinct((i) => i.account_id),
    cards: distinct((i) => i.card_id),
  });
  const of = (kind: string) => new Map(found.filter((r) => r.kind === kind).map((r) => [r.id, r]));
  const [customers, accounts, cards] = [of('customer'), of('account'), of('card')];
  const issues: IngestIssue[] = [];
  const out = items.map((item, index) => {
    const issue = (field: string, message: string, code = 'not_found') =>
      issues.push({ index, field, message, code });
    if (!customers.has(item.customer_id)) issue('customer_id', 'no such customer');
    const account = item.account_id ? accounts.get(item.account_id) : undefined;
    if (item.account_id && account?.customer_id !== item.customer_id)
      issue('account_id', 'not an account of this customer');
    const card = item.card_id ? cards.get(item.card_id) : undefined;
    if (item.card_id && card?.customer_id !== item.customer_id)
      issue('card_id', 'not a card of this customer');
    if (account && card?.account_id && card.account_id !== account.id)
      issue('card_id', 'the card is not on this account', 'mismatch');
    const posting = account ?? (card?.account_id ? card : undefined);
    if (posting?.currency && posting.currency !== item.currency)
      issue(
        'currency',
        `must be the account's currency (${posting.currency}); send the amount the account is charged`,
        'currency_mismatch',
      );
    return { ...item, account_id: item.account_id ?? card?.account_id ?? null };
  });
  if (issues.length) throw new IngestReferenceError(issues);
  return out;
}

type Screened = {
  tx: transactions.TransactionRow;
  localDay: string;
  screening: ReturnType<typeof screenTransaction>;
};

/**
 * Raises an alert for each suspicious transaction, or joins the customer's open one (in
 * transaction-date order, so a burst inside one batch is one alert too). High and critical
 * alerts are owed a triage; a running triage is told of evidence that joined its alert.
 */
async function raiseOrJoinAlerts(t: Queryable, orgId: string, screened: readonly Screened[]) {
  const suspicious = screened
    .filter((s) => s.screening.alert)
    .map((s): ScreenedTransaction & { customerId: string; cardId: string | null } => ({
      id: s.tx.id,
      amount: s.tx.amount,
      currency: s.tx.currency,
      transaction_date: s.tx.transaction_date,
      screening: s.screening as ScreenedTransaction['screening'],
      customerId: s.tx.customer_id,
      cardId: s.tx.card_id,
    }))
    .sort((a, b) => a.transaction_date.localeCompare(b.transaction_date));
  const alertOf = new Map<string, string>();
  const events: NewEvent[] = [];
  const starts: PendingStart[] = [];
  const evidence: IngestResult['evidence'] = [];
  if (!suspicious.length) return { alertOf, events, starts, evidence };

  const open = await alerts.openAlertsForCustomers(
    t,
    orgId,
    [...new Set(suspicious.map((s) => s.customerId))],
    GROUPING_WINDOW_HOURS,
  );
  const created = new Map<string, alerts.NewAlert>();
  const joined = new Map<
    string,
    { alert: alerts.OpenAlertRow; priority: AlertPriority; data: Record<string, unknown>; added: string[] }
  >();
  const current = new Map<string, string>(); // customer → the alert their next signal joins
  for (const [customerId, a] of open) current.set(customerId, a.id);

  for (const s of suspicious) {
    const target = current.get(s.customerId);
    const fresh = target ? created.get(target) : undefined;
    if (fresh) {
      const next = joinAlert(
        { priority: fresh.priority, data: fresh.data, transaction_id: fresh.transaction_id },
        s,
      );
      Object.assign(fresh, { priority: next.priority, data: next.data });
    } else if (target) {
      const base = joined.get(target) ?? {
        alert: open.get(s.customerId)!,
        priority: open.get(s.customerId)!.priority,
        data: open.get(s.customerId)!.data,
        added: [],
      };
      const next = joinAlert({ ...base, transaction_id: base.alert.transaction_id }, s);
      joined.set(target, { ...base, priority: next.priority, data: next.data, added: [...base.added, s.id] });
    } else {
      const id = randomUUID();
      created.set(id, {
        id,
        customer_id: s.customerId,
        transaction_id: s.id,
        card_id: s.cardId,
        alert_type: s.screening.alert.alertType,
        priority: s.screening.alert.priority,
        title: s.screening.alert.title,
        description: s.screening.signals.map((x) => x.reason).join('; '),
        data: newAlertData(s),
        dedup_key: `tx:${s.id}`,
      });
      current.set(s.customerId, id);
    }
    alertOf.set(s.id, current.get(s.customerId)!);
  }

  const inserted = await alerts.insertAlerts(t, orgId, [...created.values()]);
  for (const a of inserted) {
    events.push({
      streams: ['alerts'],
      type: 'alert_created',
      payload: { alert: alertView(a) },
      dedupKey: `alert_created:${a.id}`,
    });
    if (needsTriage(a.priority)) starts.push(triageStart(orgId, a));
  }

  const updates = [...joined.values()].map((j) => ({
    id: j.alert.id,
    priority: j.priority,
    data: j.data,
    raised: j.priority !== j.alert.priority,
  }));
  const updated = new Map((await alerts.updateAlertEvidence(t, orgId, updates)).map((a) => [a.id, a]));
  const caseEvents: Parameters<typeof appendCaseEvents>[2][number][] = [];
  for (const j of joined.values()) {
    const a = updated.get(j.alert.id)!;
    const key = `evidence:${a.id}:${j.added[0]}`;
    const payload = {
      alert: alertView(a),
      transaction_ids: j.added,
      ...(j.priority !== j.alert.priority && { priority_from: j.alert.priority }),
    };
    events.push({
      streams: j.alert.case_id ? ['alerts', `case:${j.alert.case_id}`] : ['alerts'],
      type: 'alert_updated',
      payload,
      dedupKey: key,
    });
    if (j.alert.case_id) {
      caseEvents.push({
        case_id: j.alert.case_id,
        type: 'evidence_added',
        actor: 'system:ingest',
        data: { transaction_ids: j.added, priority: a.priority },
        dedup_key: key,
      });
    }
    // Triage starts when the alert first needs it; a triage already owed or running is told instead.
    if (needsTriage(a.priority) && !needsTriage(j.alert.priority)) starts.push(triageStart(orgId, a));
    else if (needsTriage(j.alert.priority)) {
      const data = a.data as { transaction_count?: number };
      evidence.push({
        alertId: a.id,
        evidence: {
          transactionIds: j.added,
          transactionCount: data.transaction_count ?? j.added.length,
          priority: a.priority,
        },
      });
    }
  }
  await appendCaseEvents(t, orgId, caseEvents);
  return { alertOf, events, starts, evidence };
}

const triageStart = (orgId: string, a: alerts.AlertRow): PendingStart => ({
  workflow_id: triageWorkflowId(a.id),
  org_id: orgId,
  kind: 'triage',
  subject_id: a.id,
  customer_id: a.customer_id,
  priority: a.priority,
});

/** The customers' real-time rules over the batch, locked, evaluated and written in this transaction. */
async function evaluateRealtimeRules(
  t: Queryable,
  orgId: string,
  screened: readonly Screened[],
  actor: RuleActor,
): Promise<PendingStart[]> {
  if (!screened.length) return [];
  const customers = [...new Set(screened.map((s) => s.tx.customer_id))];
  const rows = await lockedCustomersRules(t, orgId, customers, REALTIME_TYPES);
  if (!rows.length) return [];
  const txs = [...screened]
    .sort((a, b) => a.tx.transaction_date.localeCompare(b.tx.transaction_date))
    .map(({ tx, localDay }) => ({
      id: tx.id,
      customer_id: tx.customer_id,
      account_id: tx.account_id,
      amount: tx.amount,
      currency: tx.currency,
      merchant_name: tx.merchant_name,
      merchant_category: tx.merchant_category,
      transaction_type: tx.transaction_type,
      local_day: localDay,
    }));
  const { evaluatedIds, changes } = evaluateTransactions(rows, Date.now(), txs);
  return applyEvaluation(t, evaluatedIds, changes, actor);
}
