import { randomUUID } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import { optionalTsToMs } from '@temporalio/common';
import proto from '@temporalio/proto';
import { OrgId } from './search-attributes.js';

/**
 * What on-call staff do to workflow executions, always within one organisation: every query is
 * ANDed with `OrgId`, and a run of another organisation is "not found".
 */

const EventType = proto.temporal.api.enums.v1.EventType;
export const EXECUTION_STATUSES = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  terminated: 'Terminated',
  continued_as_new: 'ContinuedAsNew',
  timed_out: 'TimedOut',
} as const;
export type ExecutionStatus = keyof typeof EXECUTION_STATUSES;

export type WorkflowFilters = {
  type?: string | undefined;
  status?: ExecutionStatus[] | undefined;
  customer_id?: string | undefined;
  alert_id?: string | undefined;
};

/** Filter values are validated by the API (identifiers, uuids, an enum) before they reach here. */
export function visibilityQuery(orgId: string, f: WorkflowFilters): string {
  const parts = [`OrgId = '${orgId}'`];
  if (f.type) parts.push(`WorkflowType = '${f.type}'`);
  if (f.status?.length)
    parts.push(`(${f.status.map((s) => `ExecutionStatus = '${EXECUTION_STATUSES[s]}'`).join(' OR ')})`);
  if (f.customer_id) parts.push(`CustomerId = '${f.customer_id}'`);
  if (f.alert_id) parts.push(`AlertId = '${f.alert_id}'`);
  return parts.join(' AND ');
}

const iso = (d: Date | undefined | null) => (d ? d.toISOString() : null);
const isoTs = (ts: Parameters<typeof optionalTsToMs>[0]) => {
  const ms = optionalTsToMs(ts);
  return ms === undefined ? null : new Date(ms).toISOString();
};

export function summary(info: Omit<WorkflowExecutionInfo, 'raw'>) {
  const attr = (name: string) => {
    const v = info.searchAttributes[name];
    return Array.isArray(v) && v.length ? String(v[0]) : null;
  };
  return {
    workflow_id: info.workflowId,
    run_id: info.runId,
    type: info.type,
    status: info.status.name.toLowerCase(),
    task_queue: info.taskQueue,
    start_time: iso(info.startTime),
    close_time: iso(info.closeTime),
    history_length: info.historyLength,
    customer_id: attr('CustomerId'),
    alert_id: attr('AlertId'),
    domain: attr('Domain'),
  };
}
export type WorkflowSummary = ReturnType<typeof summary>;

/** One page of a visibility query; the cursor is the server's page token. */
export async function listWorkflows(
  client: Client,
  query: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ data: WorkflowSummary[]; nextCursor: string | null }> {
  const namespace = client.options.namespace;
  const res = await client.workflowService.listWorkflowExecutions({
    namespace,
    query,
    pageSize: page.limit,
    ...(page.cursor && { nextPageToken: Buffer.from(page.cursor, 'base64url') }),
  });
  const infos = await Promise.all(
    res.executions.map((e) => executionInfoFromRaw(e, client.options.loadedDataConverter, e, namespace)),
  );
  const token = res.nextPageToken?.length ? Buffer.from(res.nextPageToken).toString('base64url') : null;
  return { data: infos.map((i) => summary(i)), nextCursor: token };
}

/** Every execution matching `query`, at most `cap` of them. */
export async function listAll(client: Client, query: string, cap: number) {
  const out: WorkflowSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await listWorkflows(client, query, { limit: Math.min(500, cap - out.length), cursor });
    out.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < cap);
  return { data: out, truncated: !!cursor };
}

/** The run of `workflowId` if it belongs to `orgId`, else null (another organisation's is not found). */
export async function describeOwned(client: Client, orgId: string, workflowId: string) {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.typedSearchAttributes.get(OrgId) === orgId ? d : null;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return null;
    throw err;
  }
}
export type Description = NonNullable<Awaited<ReturnType<typeof describeOwned>>>;

export function pendingActivities(d: Description) {
  return (d.raw.pendingActivities ?? []).map((a) => ({
    activity_id: a.activityId ?? '',
    activity_type: a.activityType?.name ?? '',
    state: String(proto.temporal.api.enums.v1.PendingActivityState[a.state ?? 0] ?? a.state)
      .replace('PENDING_ACTIVITY_STATE_', '')
      .toLowerCase(),
    attempt: a.attempt ?? 0,
    maximum_attempts: a.maximumAttempts ?? 0,
    scheduled_time: isoTs(a.scheduledTime),
    last_started_time: isoTs(a.lastStartedTime),
    last_heartbeat_time: isoTs(a.lastHeartbeatTime),
    next_attempt_time: isoTs(a.nextAttemptScheduleTime),
    last_failure: a.lastFailure?.message ?? null,
  }));
}

/** Timers started and neither fired nor cancelled, read from the run's history. */
export async function pendingTimers(client: Client, workflowId: string, runId: string) {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const open = new Map<string, { timer_id: string; started_at: string | null; fires_at: string | null }>();
  for (const e of history.events ?? []) {
    if (e.timerStartedEventAttributes) {
      const started = optionalTsToMs(e.eventTime);
      const timeout = optionalTsToMs(e.timerStartedEventAttributes.startToFireTimeout);
      const id = e.timerStartedEventAttributes.timerId ?? '';
      open.set(id, {
        timer_id: id,
        started_at: started === undefined ? null : new Date(started).toISOString(),
        fires_at:
          started === undefined || timeout === undefined ? null : new Date(started + timeout).toISOString(),
      });
    }
    if (e.timerFiredEventAttributes) open.delete(e.timerFiredEventAttributes.timerId ?? '');
    if (e.timerCanceledEventAttributes) open.delete(e.timerCanceledEventAttributes.timerId ?? '');
  }
  return [...open.values()];
}

export type StuckThresholds = { minAttempts: number; idleMs: number };

/**
 * Why a running execution looks stuck, or null: a pending activity that has failed
 * `minAttempts` times or more, or one with no start or heartbeat for longer than `idleMs`
 * (no worker polls its queue, or it hangs). Waiting on a timer or a signal is not stuck.
 */
export function stuckReasons(d: Description, t: StuckThresholds, nowMs: number): string[] {
  const reasons: string[] = [];
  for (const a of pendingActivities(d)) {
    if (a.attempt >= t.minAttempts) {
      reasons.push(
        `activity ${a.activity_type} has failed ${a.attempt - (a.state === 'started' ? 1 : 0)} attempts` +
          (a.last_failure ? `: ${a.last_failure}` : ''),
      );
      continue;
    }
    const last = Math.max(
      ...[a.last_heartbeat_time, a.last_started_time, a.scheduled_time].map((x) => (x ? Date.parse(x) : 0)),
    );
    if (last && nowMs - last > t.idleMs) {
      reasons.push(
        `activity ${a.activity_type} has made no progress for ${Math.round((nowMs - last) / 60_000)} min (${a.state})`,
      );
    }
  }
  const wft = d.raw.pendingWorkflowTask;
  const scheduled = optionalTsToMs(wft?.scheduledTime);
  if (scheduled !== undefined && nowMs - scheduled > t.idleMs) {
    reasons.push(
      `workflow task pending for ${Math.round((nowMs - scheduled) / 60_000)} min: is a worker polling?`,
    );
  }
  return reasons;
}

export type ResetTo = 'last-workflow-task' | 'first-workflow-task' | number;

export class ResetPointError extends Error {}

const TASK_FINISHED = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);

/**
 * ResetWorkflowExecution to a workflow task of the run: the history up to that task is kept
 * (activities completed before it are not run again), the rest is replayed from that point;
 * signals received after it are applied again. Answers with the new run id.
 */
export async function resetWorkflow(
  client: Client,
  workflowId: string,
  runId: string,
  to: ResetTo,
  reason: string,
): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const finished = (history.events ?? []).filter(
    (e) => e.eventType !== null && e.eventType !== undefined && TASK_FINISHED.has(e.eventType),
  );
  const completed = finished.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const point =
    to === 'last-workflow-task'
      ? completed.at(-1)
      : to === 'first-workflow-task'
        ? completed[0]
        : finished.find((e) => Number(e.eventId) === to);
  if (!point) {
    throw new ResetPointError(
      typeof to === 'number'
        ? `event ${to} is not the end of a workflow task of this run`
        : 'the run has no completed workflow task to reset to',
    );
  }
  const res = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId },
    reason,
    workflowTaskFinishEventId: point.eventId,
    requestId: randomUUID(),
    resetReapplyType: proto.temporal.api.enums.v1.ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL,
  });
  return res.runId ?? '';
}
