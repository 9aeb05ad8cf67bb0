import { describe, expect, it } from 'vitest';
import {
  ALERT_STATUSES,
  CASE_STATUSES,
  canTransition,
  statusesBefore,
} from '../../../workflows/triage/case-events.js';
import { actorString, parseActor } from '../../../workflows/platform/actor.js';

describe('alert and case status', () => {
  it('moves an alert forward and back only along the allowed edges', () => {
    expect(canTransition('alert', 'open', 'assigned')).toBe(true);
    expect(canTransition('alert', 'assigned', 'resolved')).toBe(true);
    expect(canTransition('alert', 'resolved', 'open')).toBe(true); // its case reopened
    expect(canTransition('alert', 'resolved', 'resolved')).toBe(false); // resolved twice: a conflict
    expect(canTransition('alert', 'closed', 'open')).toBe(false);
    expect(canTransition('case', 'closed', 'investigating')).toBe(true);
    expect(canTransition('case', 'investigating', 'pending')).toBe(false);
  });

  it('derives every UPDATE guard from the same edges', () => {
    for (const to of ALERT_STATUSES) {
      for (const from of ALERT_STATUSES) {
        expect(statusesBefore('alert', to).includes(from)).toBe(canTransition('alert', from, to));
      }
    }
    for (const to of CASE_STATUSES) {
      for (const from of CASE_STATUSES) {
        expect(statusesBefore('case', to).includes(from)).toBe(canTransition('case', from, to));
      }
    }
  });
});

describe('actors', () => {
  it('round-trips "<type>:<id>" and reads a bare id as a user', () => {
    for (const a of [
      { type: 'user', id: 'u-1' },
      { type: 'workflow', id: 'triage-alert-1' },
      { type: 'api_key', id: 'k:with:colons' },
    ] as const) {
      expect(parseActor(actorString(a))).toEqual(a);
    }
    expect(parseActor('u-2')).toEqual({ type: 'user', id: 'u-2' });
    expect(parseActor('robot:1')).toEqual({ type: 'user', id: 'robot:1' });
  });
});
