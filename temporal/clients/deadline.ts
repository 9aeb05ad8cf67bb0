import type { Client } from '@temporalio/client';

/** How long an API request waits on Temporal before answering 503 (gRPC retries stop at the deadline). */
export const API_RPC_DEADLINE_MS = 5_000;

export type StartOptions = { prefix?: string | undefined; deadlineMs?: number };

/** One call to Temporal with a deadline, so an outage is a prompt 503, not a hang. */
export function withDeadline<T>(client: Client, o: { deadlineMs?: number }, f: () => Promise<T>): Promise<T> {
  return client.connection.withDeadline(Date.now() + (o.deadlineMs ?? API_RPC_DEADLINE_MS), f);
}
