import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute } from '@tanstack/react-router';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Input, Label, Select, Textarea } from '@/components/ui/input';
import { EmptyState } from '@/components/ui/empty-state';
import { client, unwrap } from '@/lib/api';
import { can, meQuery } from '@/lib/session';
import { dateTime, field } from '@/lib/utils';
import { useEffect, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { ErrorText } from '@/components/ui/error-text';
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
      {can(me, 'notifications:read') && <Templates manage={can(me, 'templates:manage')} />}
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
  if (failed.isError) return <ErrorText error={failed.error} />;
  if (!failed.data) return <p className="text-sm text-slate-600">Loading…</p>;
  if (!failed.data.data.length)
    return <EmptyState title="No failed deliveries">Every message went out.</EmptyState>;
  return (
    <div className="flex flex-col gap-2">
      <BulkRedeliver />
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
    </div>
  );
}

/** Sends failed deliveries again by filter: always a dry run first, which says how many it selects. */
function BulkRedeliver() {
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<{ channel?: 'email' | 'sms'; kind?: string } | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const run = useMutation({
    mutationFn: (o: { filter: { channel?: 'email' | 'sms'; kind?: string }; dry: boolean }) =>
      unwrap(
        client.POST('/api/v1/admin/deliveries/redeliver', {
          body: { filter: o.filter, dry_run: o.dry, limit: 100 },
        }),
      ),
    onSuccess: (r) => {
      if (r.dry_run) return setSelected(r.data.length);
      toast.success(`Sending ${r.data.length} again`);
      setSelected(null);
      void queryClient.invalidateQueries({ queryKey: ['deliveries'] });
    },
    onError: (err) => toast.error(err.message),
  });
  return (
    <form
      aria-label="Redeliver by filter"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const channel = field(f, 'channel') as 'email' | 'sms' | '';
        const kind = field(f, 'kind').trim();
        const next = { ...(channel && { channel }), ...(kind && { kind }) };
        setFilter(next);
        run.mutate({ filter: next, dry: true });
      }}
    >
      <div className="flex flex-col gap-1">
        <Label htmlFor="rd-channel" className="text-xs">
          Channel
        </Label>
        <Select id="rd-channel" name="channel" defaultValue="email">
          <option value="email">Email</option>
          <option value="sms">SMS</option>
        </Select>
      </div>
      <div className="flex flex-col gap-1">
        <Label htmlFor="rd-kind" className="text-xs">
          Kind
        </Label>
        <Input id="rd-kind" name="kind" placeholder="any" className="w-40" />
      </div>
      <Button type="submit" variant="outline" disabled={run.isPending}>
        Dry run
      </Button>
      {selected !== null && filter && (
        <>
          <span role="status" className="text-sm">
            Selects {selected}
          </span>
          {selected > 0 && (
            <Button type="button" disabled={run.isPending} onClick={() => run.mutate({ filter, dry: false })}>
              Redeliver {selected}
            </Button>
          )}
        </>
      )}
    </form>
  );
}

const CHANNELS = ['email', 'sms', 'in_app'] as const;

/** Template versions by kind and channel; a draft renders live beside its editor and is saved as a new version. */
function Templates({ manage }: { manage: boolean }) {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['templates'],
    queryFn: () => unwrap(client.GET('/api/v1/notification-templates')),
  });
  const activate = useMutation({
    mutationFn: (id: string) =>
      unwrap(client.POST('/api/v1/notification-templates/{id}/activate', { params: { path: { id } } })),
    onSuccess: (t) => {
      toast.success(`Version ${t.version} of ${t.kind} (${t.channel}) is now in use`);
      void queryClient.invalidateQueries({ queryKey: ['templates'] });
    },
    onError: (err) => toast.error(err.message),
  });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Templates</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {list.data && list.data.data.length === 0 && (
          <p className="text-sm text-slate-600">
            No versions of your own: the built-in templates are in use.
          </p>
        )}
        {list.data && list.data.data.length > 0 && (
          <table className="w-full text-sm">
            <caption className="sr-only">Template versions</caption>
            <thead className="text-left text-xs text-slate-600">
              <tr>
                <th className="py-1 font-medium">Kind</th>
                <th className="py-1 font-medium">Channel</th>
                <th className="py-1 font-medium">Locale</th>
                <th className="py-1 font-medium">Version</th>
                <th className="py-1 font-medium">
                  <span className="sr-only">State</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((t) => (
                <tr key={t.id} className="border-t border-slate-100">
                  <td className="py-1">{t.kind}</td>
                  <td className="py-1">{t.channel}</td>
                  <td className="py-1">{t.locale ?? 'all'}</td>
                  <td className="py-1">v{t.version}</td>
                  <td className="py-1 text-right">
                    {t.active ? (
                      <Badge variant="success">In use</Badge>
                    ) : (
                      manage && (
                        <Button
                          size="sm"
                          variant="outline"
                          disabled={activate.isPending}
                          onClick={() => activate.mutate(t.id)}
                        >
                          Activate
                        </Button>
                      )
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {manage && <TemplateEditor />}
      </CardContent>
    </Card>
  );
}

function TemplateEditor() {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState({
    kind: 'bill_reminder',
    channel: 'email' as (typeof CHANNELS)[number],
    subject: '',
    body: '',
  });
  const [debounced, setDebounced] = useState(draft);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(draft), 400);
    return () => clearTimeout(t);
  }, [draft]);
  const preview = useQuery({
    queryKey: ['templates', 'preview', debounced],
    enabled: /^[a-z0-9_]{1,50}$/.test(debounced.kind),
    queryFn: () =>
      unwrap(
        client.POST('/api/v1/notification-templates/preview', {
          body: {
            kind: debounced.kind,
            channel: debounced.channel,
            ...(debounced.subject && { subject: debounced.subject }),
            ...(debounced.body && { body: debounced.body }),
          },
        }),
      ),
    retry: false,
  });
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        client.POST('/api/v1/notification-templates', {
          body: {
            kind: draft.kind,
            channel: draft.channel,
            subject: draft.subject || null,
            body: draft.body,
          },
        }),
      ),
    onSuccess: (t) => {
      toast.success(`Saved as version ${t.version} (activate it to use it)`);
      void queryClient.invalidateQueries({ queryKey: ['templates'] });
    },
    onError: (err) => toast.error(err.message),
  });
  const set = (patch: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...patch }));
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <form
        aria-label="New template version"
        className="flex flex-col gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="flex gap-2">
          <div className="flex flex-1 flex-col gap-1">
            <Label htmlFor="tpl-kind">Kind</Label>
            <Input
              id="tpl-kind"
              value={draft.kind}
              onChange={(e) => set({ kind: e.target.value })}
              required
            />
          </div>
          <div className="flex flex-col gap-1">
            <Label htmlFor="tpl-channel">Channel</Label>
            <Select
              id="tpl-channel"
              value={draft.channel}
              onChange={(e) => set({ channel: e.target.value as (typeof CHANNELS)[number] })}
            >
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          </div>
        </div>
        <Label htmlFor="tpl-subject">Subject</Label>
        <Input id="tpl-subject" value={draft.subject} onChange={(e) => set({ subject: e.target.value })} />
        <Label htmlFor="tpl-body">Body (Handlebars)</Label>
        <Textarea
          id="tpl-body"
          className="min-h-40 font-mono"
          value={draft.body}
          onChange={(e) => set({ body: e.target.value })}
          required
        />
        <Button type="submit" className="self-start" disabled={save.isPending || !draft.body}>
          Save as a new version
        </Button>
      </form>
      <section
        aria-label="Preview"
        aria-live="polite"
        className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm"
      >
        <h3 className="mb-2 text-xs font-semibold uppercase text-slate-600">Preview with sample data</h3>
        <ErrorText error={preview.error} />
        {preview.data && (
          <>
            {preview.data.subject && <p className="font-semibold">{preview.data.subject}</p>}
            <pre className="mt-1 whitespace-pre-wrap font-sans" data-testid="template-preview">
              {preview.data.text}
            </pre>
            {preview.data.truncated && (
              <p className="mt-1 text-xs text-amber-800">
                Cut to 160 characters for SMS ({preview.data.characters} in all)
              </p>
            )}
          </>
        )}
      </section>
    </div>
  );
}
