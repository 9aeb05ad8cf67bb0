import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute } from '@tanstack/react-router';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { client, unwrap } from '@/lib/api';
import { can, meQuery } from '@/lib/session';
import { dateTime } from '@/lib/utils';
import { appRoute } from './_app';

export const notificationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/notifications',
  component: Notifications,
});

function Notifications() {
  const { data: me } = useQuery(meQuery);
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Notifications</h1>
      {can(me, 'workflows:admin') ? (
        <DeadLetters />
      ) : (
        <EmptyState title="For admins">Your role does not manage deliveries.</EmptyState>
      )}
    </div>
  );
}

function DeadLetters() {
  const queryClient = useQueryClient();
  const failed = useQuery({
    queryKey: ['deliveries', 'failed'],
    queryFn: () =>
      unwrap(client.GET('/api/v1/admin/deliveries/failed', { params: { query: { limit: 50 } } })),
  });
  const redeliver = useMutation({
    mutationFn: (id: string) =>
      unwrap(client.POST('/api/v1/admin/deliveries/{id}/redeliver', { params: { path: { id } } })),
    onSuccess: (r) => {
      toast.success(`Sending again (${r.workflow_id})`);
      void queryClient.invalidateQueries({ queryKey: ['deliveries'] });
    },
    onError: (err) => toast.error(err.message),
  });
  if (failed.isError)
    return (
      <p role="alert" className="text-sm text-red-700">
        {failed.error.message}
      </p>
    );
  if (!failed.data) return <p className="text-sm text-slate-600">Loading…</p>;
  if (!failed.data.data.length)
    return <EmptyState title="No failed deliveries">Every message went out.</EmptyState>;
  return (
    <Card>
      <table className="w-full text-sm">
        <caption className="px-3 py-2 text-left font-semibold">Failed deliveries</caption>
        <thead className="border-b border-slate-200 text-left text-xs text-slate-600">
          <tr>
            <th className="px-3 py-2 font-medium">When</th>
            <th className="px-3 py-2 font-medium">Channel</th>
            <th className="px-3 py-2 font-medium">Message</th>
            <th className="px-3 py-2 font-medium">Why</th>
            <th className="px-3 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {failed.data.data.map((d) => (
            <tr key={d.id} className="border-b border-slate-100 last:border-0">
              <td className="px-3 py-2">{dateTime(d.failed_at ?? d.updated_at)}</td>
              <td className="px-3 py-2">{d.channel}</td>
              <td className="px-3 py-2">{d.title ?? d.kind ?? '—'}</td>
              <td className="px-3 py-2 text-xs">{d.error_text ?? d.reason ?? d.status}</td>
              <td className="px-3 py-2 text-right">
                <Button
                  size="sm"
                  variant="outline"
                  disabled={redeliver.isPending}
                  onClick={() => redeliver.mutate(d.id)}
                >
                  Redeliver
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
