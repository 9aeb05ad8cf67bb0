import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { withBenchEnvironment } from './environment.js';
import { createOrganization } from '../../db/platform/organizations.js';
import { createDb } from '../../db/pool.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { createWorkers } from '../../workers/create-workers.js';
import type { evaluateAlertRules } from '../../workflows/rules/evaluate-alert-rules.js';

const seconds = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await f();
  return [r, (performance.now() - t0) / 1000];
};

/**
 * `npm run bench -- rules`: BENCH_CUSTOMERS customers (10,000) with BENCH_RULES active periodic
 * rules (1,000,000: balance thresholds, goals, budgets over a month of transactions), one full
 * periodic pass through the real dev server and worker, beside a bare SQL scan of the same
 * rules and their context measured in the same run.
 */
export async function rulesBench(): Promise<void> {
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
  const rulesWanted = Number(process.env.BENCH_RULES ?? 1_000_000);
  const perCustomer = Math.max(3, Math.round(rulesWanted / customers));
  const pageSize = Number(process.env.BENCH_PAGE ?? 2000);
  const parallelism = Number(process.env.BENCH_LANES ?? 4);
  await withBenchEnvironment({ poolSize: 10 }, async (env, db) => {
    const org = await createOrganization(db, `bench-${randomUUID()}`);
    const [, generated] = await seconds(() => generate(db, org.id, customers, perCustomer));
    const total = await db.oneFirst(sql.unsafe`SELECT count(*)::int FROM alert_rules WHERE active`);
    process.stdout.write(
      `\nrules benchmark: ${customers} customers, ${total} active rules (generated in ${generated.toFixed(0)} s)\n`,
    );

    // Baseline: the same rules and their context (accounts, goals, budgets with this period's
    // spending) read by one bare SQL statement, no evaluation and no writes.
    const [, scan] = await seconds(() =>
      db.query(sql.unsafe`
        SELECT count(*), sum(coalesce(a.balance, 0)), sum(coalesce(s.spent, 0)), sum(coalesce(g.current_amount, 0))
        FROM alert_rules r
        JOIN customers c ON c.id = r.customer_id
        LEFT JOIN accounts a ON a.id = r.account_id
        LEFT JOIN goals g ON g.id = r.goal_id
        LEFT JOIN budget_spending s ON s.budget_id = r.budget_id
        WHERE r.active AND r.deleted_at IS NULL`),
    );

    const [worker] = await createWorkers({
      connection: env.nativeConnection,
      namespace: 'default',
      deps: { db, cipher: FieldCipher.ephemeral(), temporal: env.client },
      contexts: ['rules'],
      taskQueuePrefix: 'bench-',
    });
    const [result, pass] = await seconds(() =>
      worker!.runUntil(
        env.client.workflow.execute<typeof evaluateAlertRules>('evaluateAlertRules', {
          taskQueue: 'bench-rules',
          workflowId: `bench-rules-periodic-${randomUUID()}`,
          args: [{ pageSize, parallelism }],
        }),
      ),
    );
    const fmt = (x: number) => x.toFixed(0).padStart(12);
    const rows: [string, string, string][] = [
      ['', 'rules/s', 'seconds'],
      [`periodic pass (${parallelism} lanes × ${pageSize})`, fmt(result.evaluated / pass), pass.toFixed(1)],
      ['bare SQL scan, same context', fmt(total / scan), scan.toFixed(1)],
      ['ratio pass / scan', (total / scan / (result.evaluated / pass)).toFixed(2).padStart(12), ''],
    ];
    for (const r of rows)
      process.stdout.write(`${r[0].padEnd(40)}${r[1].padStart(12)}${r[2].padStart(10)}\n`);
    process.stdout.write(
      `pass: ${result.evaluated} evaluated, ${result.fired} fired, ${result.pages} pages; seed bar: 1,000 rules in < 5 s\n`,
    );
  });
}

/**
 * Customers with an account, a goal and a budget, ten purchases this month each, and
 * `perCustomer` rules spread over the three periodic types; about one rule in a thousand fires.
 */
export async function generate(
  db: Awaited<ReturnType<typeof createDb>>,
  orgId: string,
  customers: number,
  perCustomer: number,
) {
  await db.query(sql.unsafe`
    INSERT INTO customers (org_id, external_id, first_name, last_name, timezone)
    SELECT ${orgId}, 'bench-' || i, 'Bench', 'Customer ' || i,
      (ARRAY['UTC', 'Europe/London', 'America/New_York', 'Asia/Tokyo'])[1 + i % 4]
    FROM generate_series(1, ${customers}) i`);
  await db.query(sql.unsafe`
    INSERT INTO accounts (org_id, customer_id, account_type, currency, balance)
    SELECT org_id, id, 'checking', 'USD', 1000 + (hashtext(id::text) % 900) FROM customers WHERE org_id = ${orgId}`);
  await db.query(sql.unsafe`
    INSERT INTO goals (org_id, customer_id, name, target_amount, current_amount)
    SELECT org_id, id, 'Holiday', 1000, 100 FROM customers WHERE org_id = ${orgId}`);
  await db.query(sql.unsafe`
    INSERT INTO budgets (org_id, customer_id, name, amount, category)
    SELECT org_id, id, 'Groceries', 5000, 'groceries' FROM customers WHERE org_id = ${orgId}`);
  await db.query(sql.unsafe`SELECT ensure_transaction_partitions(1, 1)`);
  await db.query(sql.unsafe`
    INSERT INTO transactions (org_id, customer_id, account_id, external_id, amount, transaction_type,
      merchant_name, merchant_category, transaction_date, status)
    SELECT a.org_id, a.customer_id, a.id, 'bench-' || a.id || '-' || k, 12.5 + k, 'purchase', 'Grocer',
      'groceries', date_trunc('month', now()) + make_interval(hours => k * 7), 'completed'
    FROM accounts a CROSS JOIN generate_series(1, 10) k WHERE a.org_id = ${orgId}`);
  // Rule n of a customer: thresholds far from the balance, except one in a thousand below it.
  await db.query(sql.unsafe`
    INSERT INTO alert_rules (org_id, customer_id, alert_type, conditions, account_id, goal_id, budget_id)
    SELECT a.org_id, a.customer_id, t.alert_type,
      CASE t.alert_type
        WHEN 'account_threshold' THEN jsonb_build_object('account_id', a.id, 'direction', 'below',
          'threshold', CASE WHEN (n + hashtext(a.id::text)) % 1000 = 0 THEN '5000.00' ELSE '10.00' END)
        WHEN 'goal' THEN jsonb_build_object('goal_id', g.id, 'milestone_percentage', 75)
        ELSE jsonb_build_object('budget_id', b.id, 'threshold_percentage', 90) END,
      CASE WHEN t.alert_type = 'account_threshold' THEN a.id END,
      CASE WHEN t.alert_type = 'goal' THEN g.id END,
      CASE WHEN t.alert_type = 'spending_target' THEN b.id END
    FROM accounts a
    JOIN goals g ON g.customer_id = a.customer_id
    JOIN budgets b ON b.customer_id = a.customer_id
    CROSS JOIN generate_series(1, ${perCustomer}) n
    CROSS JOIN LATERAL (SELECT (ARRAY['account_threshold', 'goal', 'spending_target'])[1 + n % 3] AS alert_type) t
    WHERE a.org_id = ${orgId}`);
  await db.query(sql.unsafe`ANALYZE`);
}
