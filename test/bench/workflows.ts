import { proxyActivities, sleep } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });

/**
 * The baseline: the same activity shape as a triage without a frozen card (open; 2 agents in
 * parallel; card-manager; summarizer beside the contact agent's prepare-and-complete; complete and
 * resolve), doing nothing.
 */
export async function benchNoop(): Promise<void> {
  await noop();
  await Promise.all([noop(), noop()]);
  await noop();
  await Promise.all([
    noop(),
    (async () => {
      await noop();
      await noop();
    })(),
  ]);
  await Promise.all([noop(), noop()]);
}

/** The baseline of a sleeping court-reminder run: a workflow that only waits. */
export async function benchSleeper(): Promise<void> {
  await sleep('30 days');
}
