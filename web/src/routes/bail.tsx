import { createRoute } from '@tanstack/react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { appRoute } from './_app';

export const bailRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/bail',
  component: () => (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Bail</h1>
      <EmptyState title="The bail agents’ screens are on their way">
        Bonds, the court calendar and payment plans are reachable through the API (/docs) until then.
      </EmptyState>
    </div>
  ),
});
