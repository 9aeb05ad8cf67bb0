import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, Outlet } from '@tanstack/react-router';
import { Toaster } from 'sonner';

export const rootRoute = createRootRouteWithContext<{ queryClient: QueryClient }>()({
  component: () => (
    <>
      <Outlet />
      <Toaster position="bottom-right" richColors closeButton />
    </>
  ),
  notFoundComponent: () => (
    <main className="p-8">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="text-sm text-slate-600">No screen lives at this address.</p>
    </main>
  ),
});
