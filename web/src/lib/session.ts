import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { accessToken, client, refresh, unwrap, type Schemas } from './api';

type Me = Awaited<ReturnType<typeof fetchMe>>;
export type Permission = Me['permissions'][number];

const fetchMe = () => unwrap(client.GET('/api/v1/me'));

export const meQuery = queryOptions({ queryKey: ['me'], queryFn: fetchMe, staleTime: 5 * 60_000 });

/** The signed-in caller, after renewing the session through the cookie if needed; null when signed out. */
export async function currentUser(queryClient: QueryClient): Promise<Me | null> {
  if (!accessToken() && !(await refresh())) return null;
  try {
    return await queryClient.ensureQueryData(meQuery);
  } catch {
    return null;
  }
}

export const can = (me: Pick<Me, 'permissions'> | null | undefined, permission: Permission) =>
  !!me?.permissions.includes(permission);

export type Alert = Schemas['Alert'];
