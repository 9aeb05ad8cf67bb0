import { useState } from 'react';
import { createRoute, redirect, useNavigate } from '@tanstack/react-router';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';
import { login } from '@/lib/api';
import { currentUser } from '@/lib/session';
import { field } from '@/lib/utils';
import { rootRoute } from './__root';

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: z.object({ redirect: z.string().startsWith('/').optional() }),
  beforeLoad: async ({ context, search }) => {
    if (await currentUser(context.queryClient)) throw redirect({ to: search.redirect ?? '/alerts' });
  },
  component: Login,
});

function Login() {
  const navigate = useNavigate();
  const { redirect: to } = loginRoute.useSearch();
  const { queryClient } = loginRoute.useRouteContext();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="flex min-h-full items-center justify-center p-4">
      <form
        className="w-full max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setBusy(true);
          setError(null);
          login(field(form, 'email'), field(form, 'password'))
            .then(async () => {
              queryClient.clear();
              await navigate({ to: to ?? '/alerts' });
            })
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
            .finally(() => setBusy(false));
        }}
      >
        <div>
          <h1 className="text-xl font-semibold">Sentinel</h1>
          <p className="text-sm text-slate-600">Sign in to the operations console</p>
        </div>
        <div className="space-y-1">
          <Label htmlFor="email">Email</Label>
          <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        </div>
        <div className="space-y-1">
          <Label htmlFor="password">Password</Label>
          <Input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
        <Button type="submit" className="w-full" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </main>
  );
}
