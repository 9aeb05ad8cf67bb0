/**
 * Splits the uuid space into `n` contiguous ranges so the periodic pass walks them in parallel,
 * each page by page in id order. Pure.
 */
export type Lane = { afterId: string | null; before: string | null };

export function lanes(n: number): Lane[] {
  const count = Math.max(1, Math.min(16, Math.floor(n)));
  const bounds = Array.from(
    { length: count - 1 },
    (_, i) =>
      `${Math.floor(((i + 1) * 0x10000) / count)
        .toString(16)
        .padStart(4, '0')}0000-0000-0000-0000-000000000000`,
  );
  return Array.from({ length: count }, (_, i) => ({
    // Lane i holds ids in (afterId, before]: each bound belongs to the lane it ends.
    afterId: i === 0 ? null : bounds[i - 1]!,
    before: bounds[i] ?? null,
  }));
}
