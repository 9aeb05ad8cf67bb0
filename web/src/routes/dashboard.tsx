import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { createRoute, Link } from '@tanstack/react-router';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { client, unwrap } from '@/lib/api';
import { OUTCOMES, PRIORITIES } from '@/lib/domain';
import { age } from '@/lib/utils';
import { ErrorText } from '@/components/ui/error-text';
import { appRoute } from './_app';
import { statsQuery } from './alerts';

// Recharts is the console's largest dependency: only the dashboard loads it.
const AlertsChart = lazy(() => import('@/components/alerts-chart'));

export const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: Dashboard,
});

function duration(minutes: number | null | undefined): string {
  if (minutes == null) return '—';
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} days`;
}

function Dashboard() {
  const stats = useQuery(statsQuery);
  const metrics = useQuery({
    queryKey: ['alerts', 'metrics', 14],
    queryFn: () => unwrap(client.GET('/api/v1/alerts/metrics', { params: { query: { days: 14 } } })),
  });
  const s = stats.data;
  const m = metrics.data;
  const max = Math.max(1, ...PRIORITIES.map((p) => s?.open_by_priority[p] ?? 0));
  const error = stats.error ?? metrics.error;
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Dashboard</h1>
      <ErrorText error={error} />
      <div className="grid gap-4 md:grid-cols-4">
        <Card>
          <CardHeader>
            <CardTitle>Unresolved alerts</CardTitle>
          </CardHeader>
          <CardContent>
            <p className="text-3xl font-semibold tabular-nums">{s?.open ?? '–'}</p>
            <p className="text-sm text-slate-600">
              {s?.unassigned ?? '–'} unassigned · oldest {s?.oldest_open_at ? age(s.oldest_open_at) : '—'}
            </p>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Past their SLA</CardTitle>
          </CardHeader>
          <CardContent>
            <p className="text-3xl font-semibold tabular-nums">{s?.sla_breached ?? '–'}</p>
            <Link to="/alerts" className="text-sm text-sky-800 underline">
              Open the queue
            </Link>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Median time to resolve</CardTitle>
          </CardHeader>
          <CardContent>
            <p className="text-3xl font-semibold tabular-nums">{duration(m?.median_minutes_to_resolve)}</p>
            <p className="text-sm text-slate-600">over the last 14 days</p>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Open by priority</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="flex flex-col gap-1.5 text-sm">
              {PRIORITIES.map((p) => (
                <li key={p} className="flex items-center gap-2">
                  <span className="w-16 capitalize">{p}</span>
                  <span
                    className="h-2 rounded bg-slate-800"
                    style={{ width: `${((s?.open_by_priority[p] ?? 0) / max) * 50}%` }}
                    aria-hidden
                  />
                  <span className="tabular-nums">{s?.open_by_priority[p] ?? '–'}</span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Alerts over the last 14 days</CardTitle>
          </CardHeader>
          <CardContent>
            <Suspense fallback={<div className="h-64" />}>{m && <AlertsChart days={m.days} />}</Suspense>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Triage outcomes (14 days)</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[1fr_auto] gap-y-1 text-sm">
              {OUTCOMES.map((o) => (
                <div key={o} className="contents">
                  <dt className="capitalize text-slate-700">{o.replaceAll('_', ' ')}</dt>
                  <dd className="text-right font-medium tabular-nums">{m?.outcomes[o] ?? '–'}</dd>
                </div>
              ))}
            </dl>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
