import { useQuery } from '@tanstack/react-query';
import { createRoute, Link, useNavigate } from '@tanstack/react-router';
import { z } from 'zod';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Label } from '@/components/ui/input';
import { client, unwrap } from '@/lib/api';
import { field } from '@/lib/utils';
import { ErrorText } from '@/components/ui/error-text';
import { appRoute } from './_app';

export const customersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/customers',
  validateSearch: z.object({ q: z.string().max(100).optional() }),
  component: Customers,
});

function Customers() {
  const { q } = customersRoute.useSearch();
  const navigate = useNavigate({ from: customersRoute.fullPath });
  const list = useQuery({
    queryKey: ['customers', 'search', q ?? ''],
    queryFn: () =>
      unwrap(client.GET('/api/v1/customers', { params: { query: { limit: 50, ...(q && { search: q }) } } })),
  });
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Customers</h1>
      <form
        role="search"
        className="flex max-w-md flex-col gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          const value = field(new FormData(e.currentTarget), 'q').trim();
          void navigate({ search: { q: value || undefined } });
        }}
      >
        <Label htmlFor="customer-search">Name, external id or email (with PII access)</Label>
        <Input id="customer-search" name="q" defaultValue={q ?? ''} key={q ?? ''} />
      </form>
      <ErrorText error={list.error} />
      {list.data && list.data.data.length === 0 && <EmptyState title="No customer matches" />}
      {list.data && list.data.data.length > 0 && (
        <Card>
          <table className="w-full text-sm">
            <caption className="sr-only">Customers</caption>
            <thead className="border-b border-slate-200 text-left text-xs text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">Name</th>
                <th className="px-3 py-2 font-medium">External id</th>
                <th className="px-3 py-2 font-medium">Email</th>
                <th className="px-3 py-2 font-medium">KYC</th>
                <th className="px-3 py-2 font-medium">Risk</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((c) => (
                <tr key={c.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
                  <td className="px-3 py-2">
                    <Link
                      to="/customers/$customerId"
                      params={{ customerId: c.id }}
                      className="font-medium text-sky-800 underline"
                    >
                      {c.first_name} {c.last_name}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{c.external_id}</td>
                  <td className="px-3 py-2">{c.email ?? '—'}</td>
                  <td className="px-3 py-2 capitalize">{c.kyc_status}</td>
                  <td className="px-3 py-2 capitalize">{c.risk_profile}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
