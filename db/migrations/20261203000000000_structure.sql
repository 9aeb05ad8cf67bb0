-- Up Migration

-- The case timeline's vocabulary, the same list as CASE_EVENT_TYPES (workflows/triage/case-events.ts;
-- test/unit/triage/case-events.test.ts compares them). NOT VALID: rows written before are kept as they are.
ALTER TABLE case_events ADD CONSTRAINT case_events_type_check CHECK (
  type IN (
    'triage_started',
    'agent_completed',
    'agent_failed',
    'agent_skipped',
    'evidence_added',
    'escalated',
    'escalated_to_supervisor',
    'assigned',
    'resolved',
    'note_added',
    'reopened',
    'card_frozen',
    'card_unfrozen',
    'replacement_card_requested',
    'dispute_opened',
    'dispute_deadline_approaching',
    'dispute_submitted',
    'dispute_won',
    'dispute_lost',
    'dispute_expired',
    'customer_contacted',
    'customer_replied',
    'customer_no_reply',
    'callback_requested'
  )
) NOT VALID;

-- Actors end to end (workflows/platform/actor.ts): customers answering and triage agents act too.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_type_check
  CHECK (actor_type IN ('user', 'api_key', 'workflow', 'agent', 'customer', 'system'));

-- Disputes are owed their workflow like every other committed row; `input` is what a start needs
-- beyond the row's keys (a dispute's submit-by deadline).
ALTER TABLE workflow_starts DROP CONSTRAINT workflow_starts_kind_check;
ALTER TABLE workflow_starts ADD CONSTRAINT workflow_starts_kind_check
  CHECK (kind IN ('triage', 'delivery', 'contact', 'dispute'));
ALTER TABLE workflow_starts ADD COLUMN input jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Down Migration
ALTER TABLE workflow_starts DROP COLUMN input;
ALTER TABLE workflow_starts DROP CONSTRAINT workflow_starts_kind_check;
ALTER TABLE workflow_starts ADD CONSTRAINT workflow_starts_kind_check CHECK (kind IN ('triage', 'delivery', 'contact'));
ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_type_check
  CHECK (actor_type IN ('user', 'api_key', 'workflow', 'system'));
ALTER TABLE case_events DROP CONSTRAINT case_events_type_check;
