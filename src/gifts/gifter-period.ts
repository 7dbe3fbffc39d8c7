import type { GifterPeriod } from './dto/gifters.query';

/** Start of the current UTC day, or of the current UTC week (Monday 00:00): rankings use UTC. */
export function periodStart(period: GifterPeriod, now: Date): Date {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (period === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  return start;
}
