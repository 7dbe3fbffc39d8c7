import type { BattleGifter } from './schemas/battle.schema';

/** How many top gifters each side's result lists. */
export const TOP_GIFTERS = 3;

/** A gifter's key in the battle's per-side map: user ids may hold '.' or '$', which field names may not. */
export function gifterKey(userId: string): string {
  return `u${Buffer.from(userId).toString('base64url')}`;
}

/**
 * The winner's live id, or null for a draw. A side that left early (forfeit) loses whatever the
 * scores; otherwise the higher score wins and equal scores draw.
 */
export function winnerOf(battle: {
  liveIds: { toString(): string }[];
  scores: Record<string, number>;
  forfeitedLiveId: { toString(): string } | null;
}): string | null {
  const [a, b] = battle.liveIds.map(String);
  if (battle.forfeitedLiveId) return String(battle.forfeitedLiveId) === a ? b : a;
  const [scoreA, scoreB] = [battle.scores[a] ?? 0, battle.scores[b] ?? 0];
  if (scoreA === scoreB) return null;
  return scoreA > scoreB ? a : b;
}

/** A side's top gifters: most diamonds first, ties by user id. */
export function topGifters(gifters: Record<string, BattleGifter> | undefined, limit = TOP_GIFTERS): BattleGifter[] {
  return Object.values(gifters ?? {})
    .map(({ userId, name, avatar, diamonds }) => ({ userId, name, avatar: avatar ?? null, diamonds }))
    .sort((x, y) => y.diamonds - x.diamonds || (x.userId < y.userId ? -1 : 1))
    .slice(0, limit);
}

/** Score-event slots: one live:battle:score per battle per slot of `intervalMs`. */
export function scoreSlot(now: number, intervalMs: number): number {
  return Math.floor(now / intervalMs);
}
