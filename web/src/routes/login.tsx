import { useState } from 'react';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { createRoute, redirect, useNavigate } from '@tanstack/react-router';
import { z } from 'zod';
import { ErrorText } from '@/components/ui/error-text';
import { Button } from '@/components/ui/button';
import { Input, Label } from '@/components/ui/input';
import { login } from '@/lib/api';
import { currentUser } from '@/lib/session';
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

const Credentials = z.object({
  email: z.string().email('Enter an email address'),
  password: z.string().min(1, 'Enter your password'),
});

function Login() {
  const navigate = useNavigate();
  const { redirect: to } = loginRoute.useSearch();
  const { queryClient } = loginRoute.useRouteContext();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<z.infer<typeof Credentials>>({ resolver: zodResolver(Credentials) });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit(async ({ email, password }) => {
    setError(null);
    try {
      await login(email, password);
      queryClient.clear();
      await navigate({ to: to ?? '/alerts' });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  });
  return (
    <main className="flex min-h-full items-center justify-center p-4">
      <form
        noValidate
        className="w-full max-w-sm space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        onSubmit={(e) => void submit(e)}
      >
        <div>
          <h1 className="text-xl font-semibold">Sentinel</h1>
          <p className="text-sm text-slate-600">Sign in to the operations console</p>
        </div>
        <div className="space-y-1">
          <Label htmlFor="email">Email</Label>
          <Input
            id="email"
            type="email"
            autoComplete="username"
            autoFocus
            aria-invalid={!!errors.email}
            aria-describedby={errors.email ? 'email-error' : undefined}
            {...form.register('email')}
          />
          {errors.email && (
            <p id="email-error" className="text-xs text-red-700">
              {errors.email.message}
            </p>
          )}
        </div>
        <div className="space-y-1">
          <Label htmlFor="password">Password</Label>
          <Input
            id="password"
            type="password"
            autoComplete="current-password"
            aria-invalid={!!errors.password}
            aria-describedby={errors.password ? 'password-error' : undefined}
            {...form.register('password')}
          />
          {errors.password && (
            <p id="password-error" className="text-xs text-red-700">
              {errors.password.message}
            </p>
          )}
        </div>
        <ErrorText error={error} />
        <Button type="submit" className="w-full" disabled={isSubmitting}>
          {isSubmitting ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </main>
  );
}
