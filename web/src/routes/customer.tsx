import { useQuery } from '@tanstack/react-query';
import { createRoute, Link } from '@tanstack/react-router';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { client, unwrap } from '@/lib/api';
import { can, meQuery } from '@/lib/session';
import { age, dateTime, money } from '@/lib/utils';
import { TransactionsTable } from '@/components/transactions-table';
import { ErrorText } from '@/components/ui/error-text';
import { appRoute } from './_app';
import { PRIORITY_VARIANT } from './alerts';

export const customerRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/customers/$customerId',
  component: Customer,
});

function Customer() {
  const { customerId: id } = customerRoute.useParams();
  const { data: me } = useQuery(meQuery);
  const path = { params: { path: { id } } };
  const customer = useQuery({
    queryKey: ['customers', id],
    queryFn: () => unwrap(client.GET('/api/v1/customers/{id}', path)),
  });
  const accounts = useQuery({
    queryKey: ['customers', id, 'accounts'],
    queryFn: () => unwrap(client.GET('/api/v1/customers/{id}/accounts', path)),
  });
  const cards = useQuery({
    queryKey: ['customers', id, 'cards'],
    queryFn: () => unwrap(client.GET('/api/v1/customers/{id}/cards', path)),
  });
  const alerts = useQuery({
    queryKey: ['customers', id, 'alerts'],
    queryFn: () =>
      unwrap(client.GET('/api/v1/customers/{id}/alerts', { params: { path: { id }, query: { limit: 20 } } })),
    enabled: can(me, 'alerts:read'),
  });
  if (customer.isError) return <ErrorText error={customer.error} />;
  const c = customer.data;
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">{c ? `${c.first_name} ${c.last_name}` : 'Customer'}</h1>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card>
          <CardHeader>
            <CardTitle>Profile</CardTitle>
          </CardHeader>
          <CardContent>
            {c && (
              <dl className="grid grid-cols-2 gap-2 text-sm">
                <dt className="text-slate-600">External id</dt>
                <dd>{c.external_id}</dd>
                <dt className="text-slate-600">Email</dt>
                <dd data-testid="customer-email">{c.email ?? '—'}</dd>
                <dt className="text-slate-600">Phone</dt>
                <dd>{c.phone ?? '—'}</dd>
                <dt className="text-slate-600">KYC</dt>
                <dd className="capitalize">{c.kyc_status}</dd>
                <dt className="text-slate-600">Risk</dt>
                <dd className="capitalize">{c.risk_profile}</dd>
                <dt className="text-slate-600">Time zone</dt>
                <dd>{c.timezone}</dd>
              </dl>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Accounts</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="flex flex-col gap-1 text-sm">
              {accounts.data?.data.map((a) => (
                <li key={a.id} className="flex justify-between">
                  <span className="capitalize">{a.account_type}</span>
                  <span className="tabular-nums">{money(a.balance, a.currency)}</span>
                </li>
              ))}
              {accounts.data?.data.length === 0 && <li className="text-slate-600">No accounts</li>}
            </ul>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Cards</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="flex flex-col gap-1 text-sm">
              {cards.data?.data.map((k) => (
                <li key={k.id} className="flex justify-between">
                  <span>•••• {k.last4}</span>
                  <Badge variant={k.status === 'active' ? 'success' : 'critical'}>{k.status}</Badge>
                </li>
              ))}
              {cards.data?.data.length === 0 && <li className="text-slate-600">No cards</li>}
            </ul>
          </CardContent>
        </Card>
      </div>
      {alerts.data && (
        <Card>
          <CardHeader>
            <CardTitle>Alerts</CardTitle>
          </CardHeader>
          <CardContent>
            <ul className="flex flex-col gap-1 text-sm">
              {alerts.data.data.map((a) => (
                <li key={a.id} className="flex items-center gap-2">
                  <Badge variant={PRIORITY_VARIANT[a.priority]} className="capitalize">
                    {a.priority}
                  </Badge>
                  <Link to="/alerts/$alertId" params={{ alertId: a.id }} className="text-sky-800 underline">
                    {a.title}
                  </Link>
                  <span className="text-xs text-slate-600">
                    {a.status} · {age(a.created_at)}
                  </span>
                </li>
              ))}
              {alerts.data.data.length === 0 && <li className="text-slate-600">No alerts</li>}
            </ul>
          </CardContent>
        </Card>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <Notifications id={id} />
        <Preferences id={id} />
      </div>
      {can(me, 'insights:read') && <Insights id={id} />}
      <Card>
        <CardHeader>
          <CardTitle>Transactions</CardTitle>
        </CardHeader>
        <CardContent>
          <TransactionsTable customerId={id} />
        </CardContent>
      </Card>
    </div>
  );
}

function Notifications({ id }: { id: string }) {
  const list = useQuery({
    queryKey: ['customers', id, 'notifications'],
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/customers/{id}/notifications', {
          params: { path: { id }, query: { limit: 10 } },
        }),
      ),
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Notifications</CardTitle>
      </CardHeader>
      <CardContent>
        {list.isError && <p className="text-sm text-slate-600">{list.error.message}</p>}
        <ul className="flex flex-col gap-1.5 text-sm">
          {list.data?.data.map((n) => (
            <li key={n.id}>
              <div className="font-medium">
                {n.title} {n.critical && <Badge variant="critical">critical</Badge>}
              </div>
              <div className="text-xs text-slate-600">
                {n.kind} · {dateTime(n.created_at)}
              </div>
            </li>
          ))}
          {list.data?.data.length === 0 && <li className="text-slate-600">None sent</li>}
        </ul>
      </CardContent>
    </Card>
  );
}

function Preferences({ id }: { id: string }) {
  const prefs = useQuery({
    queryKey: ['customers', id, 'preferences'],
    queryFn: () => unwrap(client.GET('/api/v1/customers/{id}/preferences', { params: { path: { id } } })),
  });
  const p = prefs.data;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Preferences</CardTitle>
      </CardHeader>
      <CardContent>
        {p && (
          <dl className="grid grid-cols-2 gap-1 text-sm">
            <dt className="text-slate-600">Email</dt>
            <dd>
              {p.email_enabled ? 'on' : 'off'}
              {p.email_invalid_at && <span className="text-red-800"> · undeliverable</span>}
            </dd>
            <dt className="text-slate-600">SMS</dt>
            <dd>{p.sms_enabled ? 'on' : 'off'}</dd>
            <dt className="text-slate-600">Quiet hours</dt>
            <dd>
              {p.quiet_hours_enabled ? `${p.quiet_hours_start}–${p.quiet_hours_end} (${p.timezone})` : 'off'}
            </dd>
            <dt className="text-slate-600">At most</dt>
            <dd>
              {p.max_per_hour} an hour, {p.max_per_day} a day
            </dd>
          </dl>
        )}
      </CardContent>
    </Card>
  );
}

const SENTIMENT = { positive: 'success', negative: 'critical', neutral: 'outline' } as const;

/** What insights knows of the customer: recent interactions with their sentiment, and behaviour patterns. */
function Insights({ id }: { id: string }) {
  const interactions = useQuery({
    queryKey: ['customers', id, 'interactions'],
    queryFn: () =>
      unwrap(client.GET('/api/v1/interactions', { params: { query: { customer_id: id, limit: 10 } } })),
  });
  const patterns = useQuery({
    queryKey: ['customers', id, 'patterns'],
    queryFn: () => unwrap(client.GET('/api/v1/customers/{id}/patterns', { params: { path: { id } } })),
  });
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Interactions and sentiment</CardTitle>
        </CardHeader>
        <CardContent>
          <ul className="flex flex-col gap-1.5 text-sm">
            {interactions.data?.data.map((i) => (
              <li key={i.id} className="flex items-start gap-2">
                {i.sentiment && <Badge variant={SENTIMENT[i.sentiment.label]}>{i.sentiment.label}</Badge>}
                <span className="min-w-0 flex-1 truncate">{i.content ?? i.event_type}</span>
                <span className="text-xs text-slate-600">{i.channel}</span>
              </li>
            ))}
            {interactions.data?.data.length === 0 && <li className="text-slate-600">No interactions</li>}
          </ul>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Behaviour patterns</CardTitle>
        </CardHeader>
        <CardContent>
          <ul className="flex flex-col gap-1.5 text-sm">
            {patterns.data?.data.map((p) => (
              <li key={p.id}>
                <span className="font-medium">{p.pattern_type.replaceAll('_', ' ')}</span>{' '}
                <span className="text-xs text-slate-600">({Math.round(p.confidence * 100)}% confidence)</span>
                <div className="text-slate-700">{p.description}</div>
              </li>
            ))}
            {patterns.data?.data.length === 0 && <li className="text-slate-600">None detected yet</li>}
          </ul>
        </CardContent>
      </Card>
    </div>
  );
}
