import { useQuery } from '@tanstack/react-query';
import { createRoute, Link } from '@tanstack/react-router';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { age } from '@/lib/utils';
import { appRoute } from './_app';
import { statsQuery } from './alerts';

export const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  component: Dashboard,
});

const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;

function Dashboard() {
  const { data, error } = useQuery(statsQuery);
  const max = Math.max(1, ...PRIORITIES.map((p) => data?.open_by_priority[p] ?? 0));
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Dashboard</h1>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-3">
        <Card>
          <CardHeader>
            <CardTitle>Unresolved alerts</CardTitle>
          </CardHeader>
          <CardContent>
            <p className="text-3xl font-semibold tabular-nums">{data?.open ?? '–'}</p>
            <p className="text-sm text-slate-600">
              {data?.unassigned ?? '–'} unassigned · oldest{' '}
              {data?.oldest_open_at ? age(data.oldest_open_at) : '—'}
            </p>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Past their SLA</CardTitle>
          </CardHeader>
          <CardContent>
            <p className="text-3xl font-semibold tabular-nums">{data?.sla_breached ?? '–'}</p>
            <Link to="/alerts" className="text-sm text-sky-800 underline">
              Open the queue
            </Link>
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
                    style={{ width: `${((data?.open_by_priority[p] ?? 0) / max) * 60}%` }}
                    aria-hidden
                  />
                  <span className="tabular-nums">{data?.open_by_priority[p] ?? '–'}</span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
