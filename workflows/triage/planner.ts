import type { AgentDefinition } from './agents.js';

export type Plan = { batches: string[][] };

export class PlanError extends Error {
  constructor(
    readonly kind: 'unknown_agent' | 'cycle',
    message: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

/**
 * Orders agents into batches: every agent exactly once, after all its dependencies, and as early
 * as its dependencies allow (agents of one batch run in parallel). Requested agents bring their
 * dependencies along. Unknown agents and cycles are a PlanError. Pure: used by the workflow and
 * by the API (to answer 400 before starting anything).
 */
export function planAgents(registry: readonly AgentDefinition[], requested?: readonly string[]): Plan {
  const byId = new Map(registry.map((a) => [a.id, a]));
  const wanted = new Set<string>();
  const visit = (id: string, from?: string) => {
    if (wanted.has(id)) return;
    const agent = byId.get(id);
    if (!agent) {
      throw new PlanError(
        'unknown_agent',
        from ? `agent ${from} depends on unknown agent ${id}` : `unknown agent ${id}`,
      );
    }
    wanted.add(id);
    for (const dep of agent.dependencies) visit(dep, id);
  };
  for (const id of requested ?? registry.map((a) => a.id)) visit(id);

  // Kahn's algorithm by levels; registry order keeps batches deterministic.
  const level = new Map<string, number>();
  const ordered = registry.filter((a) => wanted.has(a.id));
  let remaining = ordered;
  const batches: string[][] = [];
  while (remaining.length) {
    const ready = remaining.filter((a) => a.dependencies.every((d) => level.has(d)));
    if (!ready.length) {
      throw new PlanError('cycle', `dependency cycle among: ${remaining.map((a) => a.id).join(', ')}`);
    }
    ready.forEach((a) => level.set(a.id, batches.length));
    batches.push(ready.map((a) => a.id));
    remaining = remaining.filter((a) => !level.has(a.id));
  }
  return { batches };
}
