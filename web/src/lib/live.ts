import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { AGE_MS, PRIORITY_RANK, type AgeFilter } from './domain';
import type { Alert } from './session';
import type { StreamEvent } from './stream';

type Listener = (e: StreamEvent) => void;
const listeners = new Set<Listener>();

/** Events of the organisation's alert stream, which the shell follows once for every screen. */
export function onAlertEvent(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export type AlertPage = { data: Alert[]; pagination: { next_cursor: string | null; has_next: boolean } };
export type AlertFilters = {
  status?: Alert['status'] | undefined;
  priority?: Alert['priority'] | undefined;
  assigned_agent?: string | undefined;
  alert_type?: string | undefined;
  older_than?: AgeFilter | undefined;
};

/** The list's order: highest priority first, then newest. */
export const queueOrder = (a: Alert, b: Alert) =>
  PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
  b.created_at.localeCompare(a.created_at) ||
  b.id.localeCompare(a.id);

export function matches(a: Alert, f: AlertFilters): boolean {
  const cut = f.older_than ? AGE_MS[f.older_than] : undefined;
  return (
    (!cut || Date.parse(a.created_at) < Date.now() - cut) &&
    (!f.status || a.status === f.status) &&
    (!f.priority || a.priority === f.priority) &&
    (!f.assigned_agent || a.assigned_agent === f.assigned_agent) &&
    (!f.alert_type || a.alert_type === f.alert_type)
  );
}

let statsTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Applies an alert event to every cached queue: a new or changed alert is placed (or removed)
 * where the queue's filters and order say, with no request; the stats tiles refetch at most once
 * every two seconds, so a burst stays within the API's rate limits.
 */
export function applyAlertEvent(queryClient: QueryClient, e: StreamEvent) {
  for (const fn of listeners) fn(e);
  const alert = e.data.alert as Alert | undefined;
  if (alert && (e.type === 'alert_created' || e.type === 'alert_updated' || e.type === 'alert_escalated')) {
    for (const [key, value] of queryClient.getQueriesData<InfiniteData<AlertPage>>({
      queryKey: ['alerts', 'queue'],
    })) {
      if (!value) continue;
      const filters = (key[2] ?? {}) as AlertFilters;
      const pages = value.pages.map((p) => ({ ...p, data: p.data.filter((a) => a.id !== alert.id) }));
      const known = value.pages.some((p) => p.data.some((a) => a.id === alert.id));
      if (matches(alert, filters) && (known || e.type === 'alert_created') && pages[0]) {
        pages[0] = { ...pages[0], data: [...pages[0].data, alert].sort(queueOrder) };
      }
      queryClient.setQueryData(key, { ...value, pages });
    }
    queryClient.setQueryData(['alerts', 'one', alert.id], (old: Record<string, unknown> | undefined) =>
      old ? { ...old, ...alert } : old,
    );
  }
  if (e.type !== 'heartbeat' && e.type !== 'connected') {
    statsTimer ??= setTimeout(() => {
      statsTimer = undefined;
      void queryClient.invalidateQueries({ queryKey: ['alerts', 'stats'] });
    }, 2000);
  }
  if (e.type === 'reset') void queryClient.invalidateQueries({ queryKey: ['alerts'] });
}
