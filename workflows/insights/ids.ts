/** Insights workflow ids (pure: starters, schedules and tests use the same ones). */
export const PATTERN_PASS_ID = 'insights-patterns';
