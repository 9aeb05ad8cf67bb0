import { Context } from '@temporalio/activity';

/**
 * The counters Sentinel's alert rules read (deploy/prometheus/alerts.yml), recorded from inside
 * activities through the SDK's metric meter: the worker's Prometheus endpoint
 * (WORKER_METRICS_ADDRESS) exports them beside the SDK's own, with the activity's labels added.
 * Names as the notify design specifies them.
 */
export const METRIC = {
  delivered: 'notifications_delivered_total',
  deliveryDuration: 'notification_delivery_duration_seconds',
  evaluated: 'alerts_evaluated_total',
} as const;

/** Seconds, for the SlowNotificationDelivery rule (p95 > 5 s). */
export const DELIVERY_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

function meter() {
  try {
    return Context.current().metricMeter;
  } catch {
    return null; // called outside an activity (a script, a test calling the function directly)
  }
}

/** A delivery reached `status` on `channel` (sent, delivered, failed, bounced, suppressed). */
export function countDelivery(channel: string, status: string, seconds?: number): void {
  const m = meter();
  if (!m) return;
  m.createCounter(METRIC.delivered, undefined, 'Notification deliveries by channel and outcome').add(1, {
    channel,
    status,
  });
  if (seconds !== undefined)
    m.createHistogram(METRIC.deliveryDuration, 'float', 's', 'Provider call time of a delivery').record(
      seconds,
      { channel },
    );
}

/** Rules evaluated, by type and whether each fired. */
export function countEvaluations(evaluated: readonly { alertType: string; triggered: boolean }[]): void {
  const m = meter();
  if (!m || !evaluated.length) return;
  const counter = m.createCounter(METRIC.evaluated, undefined, 'Alert rules evaluated, by type and outcome');
  const by = new Map<string, number>();
  for (const e of evaluated) {
    const k = `${e.alertType}\u0000${e.triggered}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  for (const [k, n] of by) {
    const [alertType, triggered] = k.split('\u0000');
    counter.add(n, { alert_type: alertType!, triggered: triggered! });
  }
}
