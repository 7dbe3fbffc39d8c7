/** Ranking periods: the current UTC day, or the current UTC week from Monday 00:00. */
export const UTC_PERIODS = ['day', 'week'] as const;
export type UtcPeriod = (typeof UTC_PERIODS)[number];

/** Start of the current UTC day, or of the current UTC week (Monday 00:00): rankings use UTC. */
export function periodStart(period: UtcPeriod, now: Date): Date {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (period === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  return start;
}
