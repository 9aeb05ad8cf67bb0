import type { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { rootRoute } from './routes/__root';
import { appRoute } from './routes/_app';
import { loginRoute } from './routes/login';
import { dashboardRoute } from './routes/dashboard';
import { alertsRoute } from './routes/alerts';
import { alertRoute } from './routes/alert';
import { customersRoute } from './routes/customers';
import { customerRoute } from './routes/customer';
import { operationsRoute } from './routes/operations';
import { notificationsRoute } from './routes/notifications';
import { bailRoute } from './routes/bail';
import { insightsRoute } from './routes/insights';

/** One route file per screen (src/routes); the tree is put together here. */
const routeTree = rootRoute.addChildren([
  loginRoute,
  appRoute.addChildren([
    dashboardRoute,
    alertsRoute.addChildren([alertRoute]),
    customersRoute,
    customerRoute,
    operationsRoute,
    notificationsRoute,
    bailRoute,
    insightsRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({ routeTree, context: { queryClient }, defaultPreload: false });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
