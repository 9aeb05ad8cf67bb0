/**
 * Who did something, end to end: the API's principal, a workflow or one of its agents, the
 * customer answering, or the system itself. Messages to workflows carry it as "<type>:<id>" (the form recorded histories
 * hold); the timeline and the audit trail keep the two parts apart. Pure: workflows use it too.
 */
export type ActorType = 'user' | 'api_key' | 'workflow' | 'agent' | 'customer' | 'system';
export type Actor = { type: ActorType; id: string };

export const ACTOR_TYPES: readonly ActorType[] = [
  'user',
  'api_key',
  'workflow',
  'agent',
  'customer',
  'system',
];

export const actorString = (a: Actor): string => `${a.type}:${a.id}`;

/** Parses "<type>:<id>"; a bare id is a user (the form operators' messages had before types). */
export function parseActor(s: string): Actor {
  const at = s.indexOf(':');
  const type = s.slice(0, at) as ActorType;
  return at > 0 && ACTOR_TYPES.includes(type) ? { type, id: s.slice(at + 1) } : { type: 'user', id: s };
}
