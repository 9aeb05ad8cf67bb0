-- Up Migration

-- One implementation of "a partition per month of a table partitioned by a timestamptz range",
-- for transactions, interactions and whatever comes next; the per-table functions stay as names
-- callers (db/, the maintenance workflow) already use.
CREATE FUNCTION ensure_monthly_partitions(parent text, months_back int, months_ahead int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  m date;
  created int := 0;
  name text;
BEGIN
  FOR i IN -months_back..months_ahead LOOP
    m := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
    name := format('%s_%s', parent, to_char(m, 'YYYY_MM'));
    IF to_regclass(name) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
          name, parent, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
        created := created + 1;
      EXCEPTION WHEN check_violation THEN
        NULL; -- rows for that month already sit in the default partition; leave them there
      END;
    END IF;
  END LOOP;
  RETURN created;
END $$;

CREATE OR REPLACE FUNCTION ensure_transaction_partitions(months_back int, months_ahead int) RETURNS int
LANGUAGE sql AS $$ SELECT ensure_monthly_partitions('transactions', months_back, months_ahead) $$;

CREATE OR REPLACE FUNCTION ensure_interaction_partitions(months_back int, months_ahead int) RETURNS int
LANGUAGE sql AS $$ SELECT ensure_monthly_partitions('interactions', months_back, months_ahead) $$;

-- Down Migration

-- Rolling back stops here only on the way further down: the per-table names, created by the
-- triage and insights migrations, are dropped by theirs.
DROP FUNCTION ensure_monthly_partitions(text, int, int);
