/** What the insights workflows ask of the world (implemented in activities/insights/index.ts). */
export interface InsightsActivities {
  /**
   * Detects the patterns of one page of customers (of every organisation) with interactions
   * stored since their last detection; `nextAfterId` is null after the last page.
   */
  detectDuePatterns(input: { afterId: string | null; limit: number }): Promise<{
    customers: number;
    patterns: number;
    nextAfterId: string | null;
  }>;
}
