import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENTS, type AgentDefinition } from '../../../workflows/triage/agents.js';
import { planAgents, PlanError } from '../../../workflows/triage/planner.js';

const agent = (id: string, dependencies: string[]): AgentDefinition => ({
  id,
  name: id,
  capabilities: [],
  dependencies,
  timeout: '1 second',
  retry: { maximumAttempts: 1, initialInterval: '1 second', maximumInterval: '1 second' },
});

/** Random DAGs: agent i may depend only on agents before it, so there is no cycle. */
const dag = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.subarray(
          Array.from({ length: i }, (_, j) => `a${j}`),
          { minLength: 0 },
        ),
      ),
    ),
  )
  .map((deps) => deps.map((d, i) => agent(`a${i}`, d)));

describe('planAgents', () => {
  it('plans the built-in agents in dependency batches', () => {
    expect(planAgents(AGENTS).batches).toEqual([
      ['fraud-detector', 'kyc-check'],
      ['card-manager'],
      ['case-summarizer', 'customer-contact'],
    ]);
  });

  it('brings in the dependencies of requested agents', () => {
    expect(planAgents(AGENTS, ['card-manager']).batches).toEqual([
      ['fraud-detector', 'kyc-check'],
      ['card-manager'],
    ]);
  });

  it('runs every agent exactly once, after all its dependencies', () => {
    fc.assert(
      fc.property(dag, (registry) => {
        const { batches } = planAgents(registry);
        const flat = batches.flat();
        expect(flat.sort()).toEqual(registry.map((a) => a.id).sort());
        const batchOf = new Map(batches.flatMap((b, i) => b.map((id) => [id, i] as const)));
        for (const a of registry)
          for (const d of a.dependencies) expect(batchOf.get(d)!).toBeLessThan(batchOf.get(a.id)!);
      }),
    );
  });

  it('makes batches maximal: each agent runs as early as its dependencies allow', () => {
    fc.assert(
      fc.property(dag, (registry) => {
        const { batches } = planAgents(registry);
        const batchOf = new Map(batches.flatMap((b, i) => b.map((id) => [id, i] as const)));
        for (const a of registry) {
          const earliest = a.dependencies.length
            ? Math.max(...a.dependencies.map((d) => batchOf.get(d)!)) + 1
            : 0;
          expect(batchOf.get(a.id)).toBe(earliest);
        }
      }),
    );
  });

  it('rejects any cycle', () => {
    fc.assert(
      fc.property(dag, fc.nat(), (registry, pick) => {
        // Close a cycle: make the first agent depend on one that (transitively) may depend on it, or itself.
        const target = registry[pick % registry.length]!;
        const cyclic = registry.map((a, i) =>
          i === 0 ? { ...a, dependencies: [...a.dependencies, target.id] } : a,
        );
        const closesCycle = (id: string, seen = new Set<string>()): boolean =>
          id === 'a0' ||
          (!seen.has(id) &&
            (seen.add(id), cyclic.find((a) => a.id === id)!.dependencies.some((d) => closesCycle(d, seen))));
        fc.pre(closesCycle(target.id));
        expect(() => planAgents(cyclic)).toThrow(PlanError);
      }),
    );
    expect(() => planAgents([agent('a', ['b']), agent('b', ['a'])])).toThrow(/cycle/);
  });

  it('rejects unknown agents, requested or depended on', () => {
    expect(() => planAgents(AGENTS, ['fraud-detector', 'mind-reader'])).toThrow(/unknown agent mind-reader/);
    expect(() => planAgents([agent('a', ['ghost'])])).toThrow(/depends on unknown agent ghost/);
  });
});
