import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute } from '@tanstack/react-router';
import { toast } from 'sonner';
import { z } from 'zod';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Label, Select } from '@/components/ui/input';
import { client, unwrap } from '@/lib/api';
import { can, meQuery } from '@/lib/session';
import { dateTime, field, text } from '@/lib/utils';
import { ErrorText } from '@/components/ui/error-text';
import { appRoute } from './_app';

const STATUSES = ['running', 'completed', 'failed', 'canceled', 'terminated', 'timed_out'] as const;

export const operationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/operations',
  validateSearch: z.object({
    type: z.string().max(100).optional(),
    status: z.enum(STATUSES).optional(),
    view: z.enum(['all', 'stuck', 'failed']).optional(),
  }),
  component: Operations,
});

function Operations() {
  const { data: me } = useQuery(meQuery);
  if (!can(me, 'workflows:admin'))
    return (
      <div className="flex flex-col gap-4">
        <h1 className="text-xl font-semibold">Operations</h1>
        <EmptyState title="For on-call staff">Your role does not operate workflows.</EmptyState>
      </div>
    );
  return <OperationsScreen />;
}

function OperationsScreen() {
  const search = operationsRoute.useSearch();
  const navigate = operationsRoute.useNavigate();
  const [selected, setSelected] = useState<string | null>(null);
  const stuck = search.view === 'stuck';
  const failed = search.view === 'failed';
  const list = useQuery({
    queryKey: ['operations', 'workflows', search],
    queryFn: () =>
      stuck
        ? unwrap(client.GET('/api/v1/admin/workflows/stuck')).then((r) => r.data)
        : failed
          ? unwrap(client.GET('/api/v1/admin/jobs/failed', { params: { query: { limit: 50 } } })).then(
              (r) => r.data,
            )
          : unwrap(
              client.GET('/api/v1/admin/workflows', {
                params: {
                  query: {
                    limit: 50,
                    ...(search.type && { type: search.type }),
                    ...(search.status && { status: search.status }),
                  },
                },
              }),
            ).then((r) => r.data),
  });
  const providers = useQuery({
    queryKey: ['operations', 'providers'],
    queryFn: () => unwrap(client.GET('/api/v1/admin/circuit-breakers')),
  });
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Operations</h1>
      <form
        aria-label="Workflow filters"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          void navigate({
            search: {
              type: field(f, 'type').trim() || undefined,
              status: (field(f, 'status') || undefined) as (typeof STATUSES)[number] | undefined,
              view: (field(f, 'view') || undefined) as 'all' | 'stuck' | 'failed' | undefined,
            },
          });
        }}
      >
        <div className="flex flex-col gap-1">
          <Label htmlFor="w-view" className="text-xs">
            Show
          </Label>
          <Select id="w-view" name="view" defaultValue={search.view ?? 'all'}>
            <option value="all">All executions</option>
            <option value="stuck">Stuck only</option>
            <option value="failed">Failed and timed out</option>
          </Select>
        </div>
        <div className="flex flex-col gap-1">
          <Label htmlFor="w-type" className="text-xs">
            Type
          </Label>
          <Input
            id="w-type"
            name="type"
            placeholder="alertTriage"
            defaultValue={search.type ?? ''}
            className="w-48"
          />
        </div>
        <div className="flex flex-col gap-1">
          <Label htmlFor="w-status" className="text-xs">
            Status
          </Label>
          <Select id="w-status" name="status" defaultValue={search.status ?? ''}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </Select>
        </div>
        <Button type="submit" variant="outline">
          Apply
        </Button>
      </form>
      <ErrorText error={list.error} />
      {list.data && list.data.length === 0 && (
        <EmptyState title={stuck ? 'Nothing is stuck' : 'No executions match'} />
      )}
      {list.data && list.data.length > 0 && (
        <Card>
          <table className="w-full text-sm">
            <caption className="sr-only">Workflow executions</caption>
            <thead className="border-b border-slate-200 text-left text-xs text-slate-600">
              <tr>
                <th className="px-3 py-2 font-medium">Workflow</th>
                <th className="px-3 py-2 font-medium">Type</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">Started</th>
                <th className="px-3 py-2 font-medium">{failed ? 'Retry' : 'Why stuck'}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((w) => (
                <tr key={w.run_id} className="border-b border-slate-100 last:border-0">
                  <td className="px-3 py-2">
                    <Button
                      variant="link"
                      className="h-auto p-0"
                      onClick={() => setSelected(w.workflow_id)}
                      aria-expanded={selected === w.workflow_id}
                    >
                      {w.workflow_id}
                    </Button>
                  </td>
                  <td className="px-3 py-2">{w.type}</td>
                  <td className="px-3 py-2">
                    <Badge
                      variant={w.status === 'failed' || w.status === 'timed_out' ? 'critical' : 'outline'}
                    >
                      {w.status}
                    </Badge>
                  </td>
                  <td className="px-3 py-2">{dateTime(w.start_time)}</td>
                  <td className="px-3 py-2 text-xs text-slate-700">
                    {failed ? (
                      <RetryButton id={w.workflow_id} />
                    ) : 'reasons' in w ? (
                      (w.reasons as string[]).join('; ')
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {selected && <Execution id={selected} onClose={() => setSelected(null)} />}
      {!stuck && !failed && (search.type || search.status) && (
        <BatchReset type={search.type} status={search.status} />
      )}
      <Card>
        <CardHeader>
          <CardTitle>Providers</CardTitle>
        </CardHeader>
        <CardContent>
          <ul className="flex flex-col gap-1 text-sm">
            {providers.data?.data.map((p, i) => (
              <li key={i} className="flex gap-2">
                <span className="font-medium">{text(p.provider ?? p.name)}</span>
                <Badge variant={p.state === 'closed' ? 'success' : 'critical'}>
                  {text(p.state ?? p.status, 'unknown')}
                </Badge>
              </li>
            ))}
            {providers.data?.data.length === 0 && (
              <li className="text-slate-600">No provider has reported yet</li>
            )}
          </ul>
        </CardContent>
      </Card>
    </div>
  );
}

function Execution({ id, onClose }: { id: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const detail = useQuery({
    queryKey: ['operations', 'workflow', id],
    queryFn: () =>
      unwrap(client.GET('/api/v1/admin/workflows/{workflowId}', { params: { path: { workflowId: id } } })),
  });
  const [reason, setReason] = useState('');
  const act = useMutation({
    mutationFn: async (action: 'cancel' | 'terminate' | 'reset') => {
      const params = { params: { path: { workflowId: id } } };
      if (action === 'cancel') {
        await unwrap(client.POST('/api/v1/admin/workflows/{workflowId}/cancel', params));
        return 'Cancellation requested';
      }
      if (action === 'reset') {
        const r = await unwrap(
          client.POST('/api/v1/admin/workflows/{workflowId}/reset', {
            ...params,
            body: { reason, to: 'last-workflow-task' },
          }),
        );
        return `Reset: new run ${r.run_id}`;
      }
      await unwrap(
        client.POST('/api/v1/admin/workflows/{workflowId}/terminate', { ...params, body: { reason } }),
      );
      return 'Terminated';
    },
    onSuccess: (m) => {
      toast.success(m);
      void queryClient.invalidateQueries({ queryKey: ['operations'] });
    },
    onError: (err) => toast.error(err.message),
  });
  const d = detail.data;
  return (
    <Card>
      <CardHeader className="flex-row items-center justify-between">
        <CardTitle>{id}</CardTitle>
        <Button variant="ghost" size="sm" onClick={onClose}>
          Close
        </Button>
      </CardHeader>
      <CardContent className="flex flex-col gap-3 text-sm">
        <ErrorText error={detail.error} />
        {d && (
          <>
            <p>
              {d.type} · {d.status} · {d.history_length} events ·{' '}
              <a href={d.web_ui} target="_blank" rel="noreferrer" className="text-sky-800 underline">
                Open in the Temporal Web UI
              </a>
            </p>
            <div>
              <h3 className="font-semibold">Pending activities</h3>
              {d.pending_activities.length === 0 ? (
                <p className="text-slate-600">None</p>
              ) : (
                <ul className="list-disc pl-5">
                  {d.pending_activities.map((a) => (
                    <li key={a.activity_id}>
                      {a.activity_type}: {a.state.toLowerCase()}, attempt {a.attempt}
                      {a.last_failure && <span className="text-red-800"> — {a.last_failure}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </div>
            {d.status === 'running' && (
              <div className="flex flex-wrap items-end gap-2">
                <div className="flex flex-col gap-1">
                  <Label htmlFor="op-reason">Reason (for the audit trail)</Label>
                  <Input
                    id="op-reason"
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                    className="w-72"
                  />
                </div>
                <Button variant="outline" disabled={act.isPending} onClick={() => act.mutate('cancel')}>
                  Cancel
                </Button>
                <Button
                  variant="outline"
                  disabled={reason.trim().length < 3 || act.isPending}
                  onClick={() => act.mutate('reset')}
                >
                  Reset to last task
                </Button>
                <Button
                  variant="destructive"
                  disabled={reason.trim().length < 3 || act.isPending}
                  onClick={() =>
                    window.confirm(`Terminate ${id}? It stops at once, with no clean-up.`) &&
                    act.mutate('terminate')
                  }
                >
                  Terminate
                </Button>
              </div>
            )}
            {d.status === 'running' && <SignalForm id={id} />}
          </>
        )}
      </CardContent>
    </Card>
  );
}

/** Sends a signal the workflow's type declares (the API checks its name and arguments). */
function SignalForm({ id }: { id: string }) {
  const [error, setError] = useState<string | null>(null);
  const signal = useMutation({
    mutationFn: (body: { name: string; args: unknown[] }) =>
      unwrap(
        client.POST('/api/v1/admin/workflows/{workflowId}/signal', {
          params: { path: { workflowId: id } },
          body,
        }),
      ),
    onSuccess: () => toast.success('Signal sent'),
    onError: (err) => toast.error(err.message),
  });
  return (
    <form
      aria-label="Send a signal"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        let args: unknown;
        try {
          args = JSON.parse(field(f, 'args') || '[]');
        } catch {
          return setError('Arguments must be a JSON array');
        }
        if (!Array.isArray(args)) return setError('Arguments must be a JSON array');
        setError(null);
        signal.mutate({ name: field(f, 'signal').trim(), args });
      }}
    >
      <div className="flex flex-col gap-1">
        <Label htmlFor="sig-name">Signal</Label>
        <Input id="sig-name" name="signal" required placeholder="customerReply" className="w-48" />
      </div>
      <div className="flex flex-col gap-1">
        <Label htmlFor="sig-args">Arguments (JSON array)</Label>
        <Input id="sig-args" name="args" placeholder='[{"answer": "yes"}]' className="w-72 font-mono" />
      </div>
      <Button type="submit" variant="outline" disabled={signal.isPending}>
        Send signal
      </Button>
      <ErrorText error={error} className="w-full" />
    </form>
  );
}

function RetryButton({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () =>
      unwrap(client.POST('/api/v1/admin/jobs/retry/{workflowId}', { params: { path: { workflowId: id } } })),
    onSuccess: (r) => {
      toast.success(`Running again: ${r.run_id}`);
      void queryClient.invalidateQueries({ queryKey: ['operations'] });
    },
    onError: (err) => toast.error(err.message),
  });
  return (
    <Button size="sm" variant="outline" disabled={retry.isPending} onClick={() => retry.mutate()}>
      Retry
    </Button>
  );
}

/** Resets every execution the filters select: a dry run lists them first, and only then may they be reset. */
function BatchReset({
  type,
  status,
}: {
  type?: string | undefined;
  status?: (typeof STATUSES)[number] | undefined;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [preview, setPreview] = useState<Record<string, unknown>[] | null>(null);
  const query = { ...(type && { type }), ...(status && { status }) };
  const run = useMutation({
    mutationFn: (dryRun: boolean) =>
      unwrap(
        client.POST('/api/v1/admin/workflows/reset-batch', {
          body: { query, reason, dry_run: dryRun, limit: 100 },
        }),
      ),
    onSuccess: (r) => {
      if (r.dry_run) return setPreview(r.data);
      toast.success(`Reset ${r.data.length} executions`);
      setPreview(null);
      void queryClient.invalidateQueries({ queryKey: ['operations'] });
    },
    onError: (err) => toast.error(err.message),
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Reset every execution these filters select</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-3 text-sm">
        <div className="flex flex-wrap items-end gap-2">
          <div className="flex flex-col gap-1">
            <Label htmlFor="batch-reason">Reason (for the audit trail)</Label>
            <Input
              id="batch-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              className="w-72"
            />
          </div>
          <Button
            variant="outline"
            disabled={reason.trim().length < 3 || run.isPending}
            onClick={() => run.mutate(true)}
          >
            Dry run
          </Button>
          {preview && preview.length > 0 && (
            <Button
              variant="destructive"
              disabled={reason.trim().length < 3 || run.isPending}
              onClick={() => window.confirm(`Reset ${preview.length} executions?`) && run.mutate(false)}
            >
              Reset {preview.length}
            </Button>
          )}
        </div>
        {preview && (
          <p role="status">
            {preview.length === 0
              ? 'The dry run selects nothing.'
              : `The dry run selects ${preview.length}: ${preview
                  .slice(0, 5)
                  .map((p) => text(p.workflow_id))
                  .join(', ')}${preview.length > 5 ? ', …' : ''}`}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
