import { createRoute } from '@tanstack/react-router';
import { EmptyState } from '@/components/ui/empty-state';
import { appRoute } from './_app';

export const insightsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/insights',
  component: () => (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Insights</h1>
      <EmptyState title="The insights screens are on their way">
        Sentiment trends, behaviour patterns and dashboards are reachable through the API (/docs) until then.
      </EmptyState>
    </div>
  ),
});
