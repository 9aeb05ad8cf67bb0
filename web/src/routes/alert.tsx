import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { toast } from 'sonner';
import { ErrorText } from '@/components/ui/error-text';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Input, Label, Select, Textarea } from '@/components/ui/input';
import { Sheet, SheetContent, SheetDescription, SheetTitle } from '@/components/ui/sheet';
import { client, idempotencyKey, unwrap, type Schemas } from '@/lib/api';
import { OUTCOMES } from '@/lib/domain';
import { onAlertEvent } from '@/lib/live';
import { can, meQuery } from '@/lib/session';
import { useStream } from '@/lib/stream';
import { age, cn, dateTime, field, money, text } from '@/lib/utils';
import { alertsRoute, PRIORITY_VARIANT } from './alerts';

/** The triage drawer: an alert's evidence, its agents as they run, its timeline, and what to do. */
export const alertRoute = createRoute({
  getParentRoute: () => alertsRoute,
  path: '$alertId',
  component: AlertDrawer,
});

const alertQuery = (id: string) => ({
  queryKey: ['alerts', 'one', id],
  queryFn: () => unwrap(client.GET('/api/v1/alerts/{id}', { params: { path: { id } } })),
});
const triageQuery = (id: string) => ({
  queryKey: ['alerts', 'triage', id],
  queryFn: () => unwrap(client.GET('/api/v1/alerts/{id}/triage', { params: { path: { id } } })),
});

type AlertDetail = Awaited<ReturnType<ReturnType<typeof alertQuery>['queryFn']>>;

function AlertDrawer() {
  const { alertId } = alertRoute.useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const alert = useQuery(alertQuery(alertId));
  const triage = useQuery(triageQuery(alertId));
  const caseId = alert.data?.case?.id ?? null;

  // The case's own stream, and the organisation's (agent_completed carries alert_id): either
  // refetches this alert, at most twice a second.
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const reload = () => {
    timer.current ??= setTimeout(() => {
      timer.current = undefined;
      void queryClient.invalidateQueries({ queryKey: ['alerts', 'one', alertId] });
      void queryClient.invalidateQueries({ queryKey: ['alerts', 'triage', alertId] });
    }, 500);
  };
  useStream(
    caseId ? `/stream/case/${caseId}` : null,
    (e) => e.type !== 'heartbeat' && e.type !== 'connected' && reload(),
  );
  useEffect(
    () =>
      onAlertEvent((e) => {
        const id =
          (e.data.alert_id as string | undefined) ?? (e.data.alert as { id?: string } | undefined)?.id;
        if (id === alertId) reload();
      }),
    [alertId],
  );
  useEffect(() => () => clearTimeout(timer.current), []);

  const close = () => void navigate({ to: '/alerts', search: true });
  return (
    <Sheet open onOpenChange={(open) => !open && close()}>
      <SheetContent aria-describedby="alert-summary">
        {alert.isError ? (
          <div className="p-6">
            <SheetTitle>Alert</SheetTitle>
            <ErrorText error={alert.error} className="mt-2" />
          </div>
        ) : !alert.data ? (
          <div className="p-6">
            <SheetTitle>Alert</SheetTitle>
            <SheetDescription id="alert-summary">Loading…</SheetDescription>
          </div>
        ) : (
          <Detail alert={alert.data} triage={triage.data} />
        )}
      </SheetContent>
    </Sheet>
  );
}

function Detail({ alert, triage }: { alert: AlertDetail; triage: Schemas['Triage'] | undefined }) {
  const signals = Array.isArray(alert.data.signals)
    ? (alert.data.signals as { reason?: string; code?: string }[])
    : [];
  return (
    <div className="flex flex-col gap-6 p-6">
      <header className="pr-8">
        <div className="flex flex-wrap items-center gap-2">
          <Badge variant={PRIORITY_VARIANT[alert.priority]} className="capitalize">
            {alert.priority}
          </Badge>
          <Badge variant="outline" className="capitalize" data-testid="alert-status">
            {alert.status}
          </Badge>
          <span className="text-xs text-slate-600">raised {age(alert.created_at)}</span>
        </div>
        <SheetTitle className="mt-2">{alert.title}</SheetTitle>
        <SheetDescription id="alert-summary">
          <Link
            to="/customers/$customerId"
            params={{ customerId: alert.customer_id }}
            className="text-sky-800 underline"
          >
            {alert.customer_name ?? 'Customer'}
          </Link>{' '}
          · {alert.alert_type} · {money(alert.data.amount, alert.data.currency)} · assigned to{' '}
          <span data-testid="alert-assignee">{alert.assigned_agent ?? 'nobody'}</span>
        </SheetDescription>
      </header>

      <Actions alert={alert} />

      <section aria-labelledby="evidence">
        <h3 id="evidence" className="mb-2 text-sm font-semibold">
          Evidence
        </h3>
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3">
          <Fact label="Risk score" value={text(alert.data.risk_score, '—')} />
          <Fact label="Amount" value={money(alert.data.amount, alert.data.currency)} />
          <Fact
            label="Transactions"
            value={String(
              (alert.data.transaction_ids as unknown[] | undefined)?.length ?? (alert.transaction_id ? 1 : 0),
            )}
          />
        </dl>
        {signals.length > 0 && (
          <ul className="mt-2 list-disc pl-5 text-sm text-slate-800">
            {signals.map((s, i) => (
              <li key={i}>{s.reason ?? s.code ?? JSON.stringify(s)}</li>
            ))}
          </ul>
        )}
        {alert.description && <p className="mt-2 text-sm text-slate-700">{alert.description}</p>}
        <BurstTransactions alert={alert} />
      </section>

      <Agents triage={triage} />

      <Timeline alert={alert} />
    </div>
  );
}

/** The transactions the alert grouped: a burst about one customer is one alert. */
function BurstTransactions({ alert }: { alert: AlertDetail }) {
  const txs = useQuery({
    queryKey: ['alerts', 'transactions', alert.id],
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/transactions', {
          params: { query: { customer_id: alert.customer_id, alert_id: alert.id, limit: 50 } },
        }),
      ),
  });
  if (!txs.data?.data.length) return null;
  return (
    <table className="mt-3 w-full text-sm">
      <caption className="text-left text-xs font-medium text-slate-600">Transactions of this alert</caption>
      <thead className="text-left text-xs text-slate-600">
        <tr>
          <th className="py-1 font-medium">When</th>
          <th className="py-1 font-medium">Merchant</th>
          <th className="py-1 font-medium">Channel</th>
          <th className="py-1 text-right font-medium">Amount</th>
        </tr>
      </thead>
      <tbody>
        {txs.data.data.map((t) => (
          <tr key={t.id} className="border-t border-slate-100" data-testid="burst-transaction">
            <td className="py-1">{dateTime(t.transaction_date)}</td>
            <td className="py-1">
              {t.merchant_name ?? t.transaction_type}
              {t.merchant_category && (
                <span className="text-xs text-slate-600"> · {t.merchant_category}</span>
              )}
            </td>
            <td className="py-1 text-xs">{t.channel.replaceAll('_', ' ')}</td>
            <td className="py-1 text-right tabular-nums">{money(t.amount, t.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="font-medium tabular-nums">{value}</dd>
    </div>
  );
}

const STATUS_STYLE: Record<Schemas['AgentRun']['status'], string> = {
  pending: 'border-slate-200 bg-slate-50 text-slate-700',
  running: 'border-sky-300 bg-sky-50 text-sky-900',
  completed: 'border-emerald-300 bg-emerald-50 text-emerald-900',
  failed: 'border-red-300 bg-red-50 text-red-900',
  skipped: 'border-slate-200 bg-white text-slate-600',
};

/** The triage plan as a graph: each batch runs after the one before it; agents in a batch run together. */
function Agents({ triage }: { triage: Schemas['Triage'] | undefined }) {
  if (!triage) return null;
  const byName = new Map(triage.agents.map((a) => [a.agent, a]));
  return (
    <section aria-labelledby="agents">
      <h3 id="agents" className="mb-2 text-sm font-semibold">
        Agents <span className="font-normal text-slate-600">· triage {triage.status.replace('_', ' ')}</span>
      </h3>
      {triage.batches.length === 0 ? (
        <p className="text-sm text-slate-600">No triage has run for this alert.</p>
      ) : (
        <ol
          className="flex flex-col gap-2"
          aria-label="Agent steps in order: each starts when the one before it is done"
        >
          {triage.batches.map((batch, i) => (
            <li key={i} className="flex items-start gap-3">
              <span className="mt-2 w-12 shrink-0 text-xs text-slate-600">Step {i + 1}</span>
              <ul className="grid flex-1 gap-2 sm:grid-cols-2">
                {batch.map((name) => {
                  const run = byName.get(name);
                  const status = run?.status ?? 'pending';
                  return (
                    <li
                      key={name}
                      data-testid="agent"
                      data-agent={name}
                      data-status={status}
                      className={cn('rounded-md border px-3 py-2 text-xs', STATUS_STYLE[status])}
                    >
                      <div className="flex justify-between gap-2">
                        <span className="font-semibold">{name.replaceAll('-', ' ')}</span>
                        <span>
                          {status}
                          {run?.duration_ms != null && ` · ${(run.duration_ms / 1000).toFixed(1)} s`}
                        </span>
                      </div>
                      {run?.error && <div className="mt-1 text-red-800">{run.error}</div>}
                      {run?.result && (
                        <div className="mt-1 line-clamp-2 text-slate-700">{summarise(run.result)}</div>
                      )}
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function summarise(result: Record<string, unknown>): string {
  return Object.entries(result)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .slice(0, 3)
    .map(([k, v]) => `${k.replaceAll('_', ' ')}: ${String(v)}`)
    .join(' · ');
}

function Timeline({ alert }: { alert: AlertDetail }) {
  return (
    <section aria-labelledby="timeline">
      <h3 id="timeline" className="mb-2 text-sm font-semibold">
        Timeline
      </h3>
      {alert.timeline.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing yet: the case opens when triage starts.</p>
      ) : (
        <ol className="flex flex-col gap-2 border-l border-slate-200 pl-4 text-sm">
          {[...alert.timeline].reverse().map((e, i) => (
            <li key={text(e.id, String(i))} data-testid="timeline-event">
              <div className="font-medium">{text(e.type, 'event').replaceAll('_', ' ')}</div>
              <div className="text-xs text-slate-600">
                {dateTime(e.created_at as string | undefined)} · {text(e.actor, 'system')}
              </div>
              {typeof (e.data as { note?: unknown } | undefined)?.note === 'string' && (
                <p className="mt-0.5 whitespace-pre-wrap text-slate-800">
                  {(e.data as { note: string }).note}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** What the API offers on this alert, for a role that may: each says what it did, or the API's refusal. */
function Actions({ alert }: { alert: AlertDetail }) {
  const { data: me } = useQuery(meQuery);
  const queryClient = useQueryClient();
  const [panel, setPanel] = useState<'resolve' | 'note' | 'freeze' | null>(null);
  const done = (message: string) => {
    toast.success(message);
    setPanel(null);
    void queryClient.invalidateQueries({ queryKey: ['alerts', 'one', alert.id] });
    void queryClient.invalidateQueries({ queryKey: ['alerts', 'triage', alert.id] });
  };
  const act = useMutation({
    mutationFn: async (run: () => Promise<string>) => run(),
    onSuccess: done,
    onError: (err) => toast.error(err.message),
  });
  const writable = can(me, 'alerts:write');
  const actions = can(me, 'actions:write');
  const unresolved = alert.status === 'open' || alert.status === 'assigned';
  if (!writable && !actions)
    return <p className="text-sm text-slate-600">Your role may view this alert but not act on it.</p>;
  const key = { 'idempotency-key': idempotencyKey() };
  /** A button that runs an action at once; what it answers is the confirmation shown. */
  const action = (label: string, run: () => Promise<string>, variant: 'default' | 'outline' = 'outline') => (
    <Button size="sm" variant={variant} disabled={act.isPending} onClick={() => act.mutate(run)}>
      {label}
    </Button>
  );
  /** A button that opens (or closes) the form of an action that needs input. */
  const opens = (
    name: NonNullable<typeof panel>,
    label: string,
    variant: 'outline' | 'ghost' = 'outline',
  ) => (
    <Button
      size="sm"
      variant={variant}
      onClick={() => setPanel(panel === name ? null : name)}
      aria-expanded={panel === name}
    >
      {label}
    </Button>
  );
  return (
    <section aria-label="Actions" className="flex flex-col gap-3">
      <div className="flex flex-wrap gap-2">
        {writable &&
          unresolved &&
          me?.email &&
          alert.assigned_agent !== me.email &&
          action(
            'Assign to me',
            async () => {
              await unwrap(
                client.POST('/api/v1/alerts/{id}/assign', {
                  params: { path: { id: alert.id }, header: key },
                  body: { agent: me.email! },
                }),
              );
              return 'Assigned to you';
            },
            'default',
          )}
        {writable &&
          action('Start triage', async () => {
            const r = await unwrap(
              client.POST('/api/v1/alerts/{id}/triage', { params: { path: { id: alert.id } } }),
            );
            return `Triage started: ${r.batches.flat().length} agents in ${r.batches.length} steps`;
          })}
        {writable && unresolved && opens('resolve', 'Resolve…')}
        {actions && alert.card_id && opens('freeze', 'Freeze card…')}
        {actions &&
          alert.card_id &&
          action('Unfreeze card', async () => {
            await unwrap(
              client.POST('/api/v1/actions/unfreeze-card', {
                body: { card_id: alert.card_id!, reason: `Alert ${alert.id} reviewed` },
              }),
            );
            return 'Unfreeze requested';
          })}
        {actions &&
          alert.transaction_id &&
          action('Open dispute', async () => {
            const d = await unwrap(
              client.POST('/api/v1/actions/open-dispute', {
                body: { transaction_id: alert.transaction_id!, dispute_reason: 'fraud' },
              }),
            );
            return `Dispute ${d.status}`;
          })}
        {actions &&
          action('Contact customer', async () => {
            await unwrap(
              client.POST('/api/v1/actions/contact-customer', {
                body: {
                  customer_id: alert.customer_id,
                  communication_type: 'sms',
                  template: 'fraud_verification',
                  expect_reply: true,
                  ...(alert.case && { case_id: alert.case.id }),
                },
              }),
            );
            return 'Customer contacted: waiting for their YES/NO';
          })}
        {writable && opens('note', 'Add note…', 'ghost')}
      </div>
      {panel === 'resolve' && (
        <ActionForm
          label="Resolve the alert"
          submit="Resolve"
          pending={act.isPending}
          onSubmit={(f) => {
            const outcome = field(f, 'outcome') as (typeof OUTCOMES)[number];
            act.mutate(async () => {
              await unwrap(
                client.POST('/api/v1/alerts/{id}/resolve', {
                  params: { path: { id: alert.id }, header: key },
                  body: { resolution: field(f, 'resolution'), outcome, actions_taken: [] },
                }),
              );
              return `Resolved: ${outcome.replaceAll('_', ' ')}`;
            });
          }}
        >
          <Label htmlFor="outcome">Outcome</Label>
          <Select id="outcome" name="outcome" defaultValue="false_positive">
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o.replaceAll('_', ' ')}
              </option>
            ))}
          </Select>
          <Label htmlFor="resolution">Resolution</Label>
          <Textarea id="resolution" name="resolution" required maxLength={2000} />
        </ActionForm>
      )}
      {panel === 'freeze' && (
        <ActionForm
          label="Freeze the card"
          submit="Freeze"
          destructive
          pending={act.isPending}
          onSubmit={(f) =>
            act.mutate(async () => {
              const card = await unwrap(
                client.POST('/api/v1/actions/freeze-card', {
                  params: { header: key },
                  body: {
                    card_id: alert.card_id!,
                    reason: field(f, 'reason'),
                    temporary: true,
                    duration_hours: Number(field(f, 'hours')),
                  },
                }),
              );
              return `Card ${card.status}`;
            })
          }
        >
          <Label htmlFor="reason">Reason</Label>
          <Input id="reason" name="reason" required maxLength={200} defaultValue="Suspected fraud" />
          <Label htmlFor="hours">For (hours)</Label>
          <Input id="hours" name="hours" type="number" min={1} max={720} defaultValue={24} className="w-28" />
        </ActionForm>
      )}
      {panel === 'note' && (
        <ActionForm
          label="Add a note"
          submit="Add note"
          pending={act.isPending}
          onSubmit={(f) =>
            act.mutate(async () => {
              await unwrap(
                client.POST('/api/v1/alerts/{id}/notes', {
                  params: { path: { id: alert.id }, header: key },
                  body: { note: field(f, 'note') },
                }),
              );
              return 'Note added';
            })
          }
        >
          <Label htmlFor="note">Note</Label>
          <Textarea id="note" name="note" required maxLength={4000} />
        </ActionForm>
      )}
    </section>
  );
}

/** A small form under the action buttons: its fields, and one submit that runs the action. */
function ActionForm(props: {
  label: string;
  submit: string;
  destructive?: boolean;
  pending: boolean;
  onSubmit: (form: FormData) => void;
  children: React.ReactNode;
}) {
  return (
    <form
      className="flex flex-col gap-2 rounded-md border border-slate-200 p-3"
      aria-label={props.label}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(new FormData(e.currentTarget));
      }}
    >
      {props.children}
      <Button
        type="submit"
        size="sm"
        variant={props.destructive ? 'destructive' : 'default'}
        className="self-start"
        disabled={props.pending}
      >
        {props.submit}
      </Button>
    </form>
  );
}
