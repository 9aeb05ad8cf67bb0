import { useEffect, useMemo, useRef, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { createRoute, Outlet, useNavigate } from '@tanstack/react-router';
import { useVirtualizer } from '@tanstack/react-virtual';
import { toast } from 'sonner';
import { z } from 'zod';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Label, Select } from '@/components/ui/input';
import { client, idempotencyKey, unwrap } from '@/lib/api';
import { AGE_MS, PRIORITIES } from '@/lib/domain';
import type { AlertFilters } from '@/lib/live';
import { can, meQuery, type Alert } from '@/lib/session';
import { age, cn, money } from '@/lib/utils';
import { ErrorText } from '@/components/ui/error-text';
import { appRoute } from './_app';

const STATUSES = ['open', 'assigned', 'resolved', 'closed'] as const;
const AGES = {
  '': 'Any age',
  '1h': 'Older than 1 hour',
  '24h': 'Older than a day',
  '7d': 'Older than a week',
} as const;

const Search = z.object({
  // The default view: what waits for someone, most urgent and newest first.
  status: z.enum(STATUSES).or(z.literal('all')).optional(),
  priority: z.enum(PRIORITIES).optional(),
  assignee: z.string().max(100).optional(),
  type: z.string().max(50).optional(),
  age: z.enum(['1h', '24h', '7d']).optional(),
});
type QueueSearch = z.infer<typeof Search>;

export const alertsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/alerts',
  validateSearch: Search,
  component: AlertsScreen,
});

export const statsQuery = {
  queryKey: ['alerts', 'stats'],
  queryFn: () => unwrap(client.GET('/api/v1/alerts/stats')),
};

function filtersOf(s: QueueSearch): AlertFilters {
  return {
    status: s.status === 'all' ? undefined : (s.status ?? 'open'),
    priority: s.priority,
    assigned_agent: s.assignee || undefined,
    alert_type: s.type || undefined,
    older_than: s.age,
  };
}

function AlertsScreen() {
  const search = alertsRoute.useSearch();
  const navigate = useNavigate({ from: alertsRoute.fullPath });
  const { data: me } = useQuery(meQuery);
  const filters = filtersOf(search);
  const setSearch = (patch: Partial<QueueSearch>) =>
    void navigate({ search: (s) => ({ ...s, ...patch }), replace: true });

  const takeNext = useMutation({
    mutationFn: () =>
      unwrap(
        client.POST('/api/v1/alerts/take-next', {
          params: { header: { 'idempotency-key': idempotencyKey() } },
          body: {},
        }),
      ),
    onSuccess: ({ alert }) => {
      if (!alert) return void toast.info('No unassigned open alert is waiting');
      toast.success(`Assigned to you: ${alert.title}`);
      void navigate({ to: '/alerts/$alertId', params: { alertId: alert.id }, search: true });
    },
    onError: (err) => toast.error(err.message),
  });

  return (
    <div className="flex h-[calc(100vh-5.5rem)] flex-col gap-3">
      <div className="flex items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">Alerts</h1>
        {can(me, 'alerts:write') && (
          <Button onClick={() => takeNext.mutate()} disabled={takeNext.isPending}>
            Take next
          </Button>
        )}
      </div>
      <StatsTiles />
      <form
        className="flex flex-wrap items-end gap-3"
        aria-label="Filters"
        onSubmit={(e) => e.preventDefault()}
      >
        <Filter label="Status" id="f-status">
          <Select
            id="f-status"
            value={search.status ?? 'open'}
            onChange={(e) => setSearch({ status: e.target.value as QueueSearch['status'] })}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
            <option value="all">All</option>
          </Select>
        </Filter>
        <Filter label="Priority" id="f-priority">
          <Select
            id="f-priority"
            value={search.priority ?? ''}
            onChange={(e) =>
              setSearch({ priority: (e.target.value || undefined) as QueueSearch['priority'] })
            }
          >
            <option value="">Any priority</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p[0]!.toUpperCase() + p.slice(1)}
              </option>
            ))}
          </Select>
        </Filter>
        <Filter label="Assignee" id="f-assignee">
          <Input
            id="f-assignee"
            className="w-48"
            placeholder="email or team"
            defaultValue={search.assignee ?? ''}
            onBlur={(e) => setSearch({ assignee: e.target.value.trim() || undefined })}
            onKeyDown={(e) =>
              e.key === 'Enter' && setSearch({ assignee: e.currentTarget.value.trim() || undefined })
            }
          />
        </Filter>
        <Filter label="Type" id="f-type">
          <Input
            id="f-type"
            className="w-40"
            placeholder="e.g. fraud"
            defaultValue={search.type ?? ''}
            onBlur={(e) => setSearch({ type: e.target.value.trim() || undefined })}
            onKeyDown={(e) =>
              e.key === 'Enter' && setSearch({ type: e.currentTarget.value.trim() || undefined })
            }
          />
        </Filter>
        <Filter label="Age" id="f-age">
          <Select
            id="f-age"
            value={search.age ?? ''}
            onChange={(e) => setSearch({ age: (e.target.value || undefined) as QueueSearch['age'] })}
          >
            {Object.entries(AGES).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </Select>
        </Filter>
        {me?.email && (
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => setSearch({ assignee: search.assignee ? undefined : me.email! })}
          >
            {search.assignee ? 'Everyone’s' : 'Mine'}
          </Button>
        )}
      </form>
      <Queue filters={filters} />
      <Outlet />
    </div>
  );
}

function Filter({ label, id, children }: { label: string; id: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <Label htmlFor={id} className="text-xs text-slate-700">
        {label}
      </Label>
      {children}
    </div>
  );
}

function StatsTiles() {
  const { data } = useQuery(statsQuery);
  const tiles = [
    ['Unresolved', data?.open],
    ['Critical', data?.open_by_priority.critical],
    ['High', data?.open_by_priority.high],
    ['Unassigned', data?.unassigned],
    ['Past SLA', data?.sla_breached],
  ] as const;
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" aria-label="Queue stats">
      {tiles.map(([label, value]) => (
        <Card key={label} className="px-4 py-3">
          <dt className="text-xs text-slate-600">{label}</dt>
          <dd className="text-2xl font-semibold tabular-nums" data-testid={`stat-${label}`}>
            {value ?? '–'}
          </dd>
        </Card>
      ))}
    </dl>
  );
}

export const PRIORITY_VARIANT = { critical: 'critical', high: 'high', medium: 'medium', low: 'low' } as const;
const ROW_HEIGHT = 52;

function Queue({ filters }: { filters: AlertFilters }) {
  const navigate = useNavigate();
  const key = useMemo(() => ['alerts', 'queue', filters] as const, [filters]);
  // The age cut is taken when the filter is chosen, not on every refetch.
  const before = useMemo(
    () => (filters.older_than ? new Date(Date.now() - AGE_MS[filters.older_than]).toISOString() : undefined),
    [filters.older_than],
  );
  const q = useInfiniteQuery({
    queryKey: key,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/alerts', {
          params: {
            query: {
              limit: 100,
              cursor: pageParam,
              status: filters.status,
              priority: filters.priority,
              assigned_agent: filters.assigned_agent,
              alert_type: filters.alert_type,
              created_before: before,
            },
          },
        }),
      ),
    getNextPageParam: (last) =>
      last.pagination.has_next ? (last.pagination.next_cursor ?? undefined) : undefined,
    staleTime: Infinity, // the stream keeps it current (lib/live.ts)
  });
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.data) ?? [], [q.data]);
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtual.getVirtualItems();
  const [active, setActive] = useState(0);

  useEffect(() => {
    const last = items[items.length - 1];
    if (last && last.index >= rows.length - 20 && q.hasNextPage && !q.isFetchingNextPage)
      void q.fetchNextPage();
  }, [items, rows.length, q]);

  const open = (a: Alert | undefined) =>
    a && void navigate({ to: '/alerts/$alertId', params: { alertId: a.id }, search: true });

  if (q.isError) return <ErrorText error={q.error} />;
  if (q.isPending) return <p className="text-sm text-slate-600">Loading alerts…</p>;
  if (!rows.length)
    return <EmptyState title="No alerts match">The queue is clear for these filters.</EmptyState>;
  const current = Math.min(active, rows.length - 1);

  return (
    <div
      ref={parent}
      role="listbox"
      aria-label="Alert queue (j/k or arrows to move, Enter to open)"
      aria-activedescendant={rows[current] ? `alert-${rows[current].id}` : undefined}
      tabIndex={0}
      className="min-h-0 flex-1 overflow-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-600"
      onKeyDown={(e) => {
        const move =
          e.key === 'ArrowDown' || e.key === 'j' ? 1 : e.key === 'ArrowUp' || e.key === 'k' ? -1 : 0;
        if (move) {
          e.preventDefault();
          const next = Math.max(0, Math.min(rows.length - 1, current + move));
          setActive(next);
          virtual.scrollToIndex(next, { align: 'auto' });
        } else if (e.key === 'Enter') {
          e.preventDefault();
          open(rows[current]);
        }
      }}
    >
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const a = rows[item.index]!;
          return (
            <div
              key={a.id}
              id={`alert-${a.id}`}
              role="option"
              aria-selected={item.index === current}
              data-testid="alert-row"
              data-alert-id={a.id}
              onClick={() => {
                setActive(item.index);
                open(a);
              }}
              className={cn(
                'absolute left-0 top-0 flex w-full cursor-pointer items-center gap-3 border-b border-slate-100 px-3 text-sm hover:bg-slate-50',
                item.index === current && 'bg-sky-50',
              )}
              style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
            >
              <Badge variant={PRIORITY_VARIANT[a.priority]} className="w-16 justify-center capitalize">
                {a.priority}
              </Badge>
              <div className="min-w-0 flex-1">
                <div className="truncate font-medium">{a.customer_name ?? 'Unknown customer'}</div>
                <div className="truncate text-xs text-slate-600">{a.title}</div>
              </div>
              <span className="w-28 truncate text-xs text-slate-700">{a.alert_type}</span>
              <span className="w-24 text-right tabular-nums">{money(a.data.amount, a.data.currency)}</span>
              <span className="w-36 truncate text-xs text-slate-700">{a.assigned_agent ?? 'Unassigned'}</span>
              <span className="w-16 text-right text-xs text-slate-600">{age(a.created_at)}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
