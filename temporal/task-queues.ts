/** One task queue per context; TASK_QUEUE_PREFIX lets several deployments share a namespace. */
export const CONTEXTS = ['platform', 'triage', 'notify', 'rules', 'bail', 'insights'] as const;
export type Context = (typeof CONTEXTS)[number];

export function taskQueue(context: Context, prefix = process.env.TASK_QUEUE_PREFIX ?? ''): string {
  return `${prefix}${context}`;
}
