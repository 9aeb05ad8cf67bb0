import { useQuery } from '@tanstack/react-query';
import { createRoute, Link } from '@tanstack/react-router';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { client, unwrap } from '@/lib/api';
import { can, meQuery } from '@/lib/session';
import { age, dateTime, money } from '@/lib/utils';
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
  const transactions = useQuery({
    queryKey: ['customers', id, 'transactions'],
    queryFn: () =>
      unwrap(client.GET('/api/v1/transactions', { params: { query: { customer_id: id, limit: 50 } } })),
  });
  if (customer.isError)
    return (
      <p role="alert" className="text-sm text-red-700">
        {customer.error.message}
      </p>
    );
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
      <Card>
        <CardHeader>
          <CardTitle>Transactions</CardTitle>
        </CardHeader>
        <CardContent>
          <table className="w-full text-sm">
            <caption className="sr-only">Recent transactions</caption>
            <thead className="text-left text-xs text-slate-600">
              <tr>
                <th className="py-1 font-medium">When</th>
                <th className="py-1 font-medium">Merchant</th>
                <th className="py-1 text-right font-medium">Amount</th>
              </tr>
            </thead>
            <tbody>
              {transactions.data?.data.map((t) => (
                <tr key={t.id} className="border-t border-slate-100">
                  <td className="py-1">{dateTime(t.transaction_date)}</td>
                  <td className="py-1">{t.merchant_name ?? t.transaction_type}</td>
                  <td className="py-1 text-right tabular-nums">{money(t.amount, t.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </CardContent>
      </Card>
    </div>
  );
}
