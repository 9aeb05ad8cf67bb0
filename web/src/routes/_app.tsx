import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createRoute, Link, Outlet, redirect, useNavigate, useRouter } from '@tanstack/react-router';
import {
  Activity,
  Bell,
  Gavel,
  LayoutDashboard,
  LineChart,
  LogOut,
  Search,
  ShieldAlert,
  Users,
} from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { logout } from '@/lib/api';
import { applyAlertEvent } from '@/lib/live';
import { can, currentUser, meQuery } from '@/lib/session';
import { useStream, type StreamState } from '@/lib/stream';
import { cn } from '@/lib/utils';
import { rootRoute } from './__root';

/** Every screen but the login: signed in, or sent to the login and brought back after. */
export const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const me = await currentUser(context.queryClient);
    if (!me) throw redirect({ to: '/login', search: { redirect: location.href } });
    return { me };
  },
  component: Shell,
});

const NAV = [
  { to: '/', label: 'Dashboard', icon: LayoutDashboard },
  { to: '/alerts', label: 'Alerts', icon: ShieldAlert },
  { to: '/customers', label: 'Customers', icon: Users },
  { to: '/operations', label: 'Operations', icon: Activity },
  { to: '/notifications', label: 'Notifications', icon: Bell },
  { to: '/bail', label: 'Bail', icon: Gavel },
  { to: '/insights', label: 'Insights', icon: LineChart },
] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function Shell() {
  const { data: me } = useQuery(meQuery);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const router = useRouter();
  const live = useStream(can(me, 'alerts:read') ? '/stream/alerts' : null, (e) =>
    applyAlertEvent(queryClient, e),
  );
  const [query, setQuery] = useState('');
  return (
    <div className="flex min-h-full">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <nav aria-label="Main" className="flex w-52 shrink-0 flex-col border-r border-slate-200 bg-white">
        <div className="flex h-14 items-center gap-2 px-4 font-semibold">
          <img src="/favicon.svg" alt="" className="h-6 w-6" />
          Sentinel
        </div>
        <ul className="flex flex-col gap-0.5 px-2">
          {NAV.map(({ to, label, icon: Icon }) => (
            <li key={to}>
              <Link
                to={to}
                activeOptions={{ exact: to === '/' }}
                className="flex items-center gap-2 rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100"
                activeProps={{
                  className: 'bg-slate-100 font-semibold text-slate-950',
                  'aria-current': 'page',
                }}
              >
                <Icon className="h-4 w-4" aria-hidden />
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center gap-4 border-b border-slate-200 bg-white px-4">
          <form
            role="search"
            className="relative flex-1"
            onSubmit={(e) => {
              e.preventDefault();
              const q = query.trim();
              if (!q) return;
              if (UUID.test(q)) void navigate({ to: '/alerts/$alertId', params: { alertId: q } });
              else void navigate({ to: '/customers', search: { q } });
            }}
          >
            <Search
              className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-slate-500"
              aria-hidden
            />
            <Input
              type="search"
              aria-label="Search customers by name or external id, or an alert by id"
              placeholder="Search customers, or an alert id…"
              className="max-w-md pl-8"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </form>
          <LiveIndicator state={live} />
          <div className="text-right text-sm leading-tight">
            <div className="font-medium" data-testid="user-email">
              {me?.email ?? me?.actor_id}
            </div>
            <div className="text-xs capitalize text-slate-600" data-testid="user-role">
              {me?.role}
            </div>
          </div>
          <Button
            variant="ghost"
            size="sm"
            onClick={() => {
              void logout().then(async () => {
                queryClient.clear();
                await router.invalidate();
                await navigate({ to: '/login' });
              });
            }}
          >
            <LogOut className="h-4 w-4" aria-hidden />
            Sign out
          </Button>
        </header>
        <main id="main" className="min-w-0 flex-1 p-4">
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function LiveIndicator({ state }: { state: StreamState }) {
  const label = { live: 'Live', connecting: 'Connecting…', offline: 'Offline: reconnecting' }[state];
  return (
    <span
      role="status"
      className="flex items-center gap-1.5 text-xs text-slate-700"
      data-testid="live"
      data-state={state}
    >
      <span
        aria-hidden
        className={cn(
          'h-2 w-2 rounded-full',
          state === 'live' ? 'bg-emerald-600' : state === 'connecting' ? 'bg-amber-500' : 'bg-red-600',
        )}
      />
      {label}
    </span>
  );
}
