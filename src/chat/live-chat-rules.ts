import { DomainError } from '../common/errors';
import { RateLimits } from '../common/rate-limit';
import { blockedWordsMasker } from './chat-text';

/**
 * Slow mode: one message per user per `slowModeMs` in a live (hosts and co-hosts are exempt, the
 * caller decides). A rate-limit bucket per distinct length, so it is shared by every instance when
 * Redis is configured; the limiter counts whole seconds, so a length rounds up to the next second.
 */
export class SlowMode {
  private readonly defined = new Set<number>();

  constructor(private readonly rateLimits: RateLimits) {}

  async consume(liveId: string, userId: string, slowModeMs: number): Promise<void> {
    const bucket = `chat_slow_mode_${slowModeMs}`;
    if (!this.defined.has(slowModeMs)) {
      this.rateLimits.define(bucket, [{ points: 1, windowMs: slowModeMs }]);
      this.defined.add(slowModeMs);
    }
    try {
      await this.rateLimits.consume(bucket, `${liveId}:${userId}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'RATE_LIMITED') throw error;
      const retryAfterMs = Number(error.details?.retryAfterMs ?? slowModeMs);
      throw new DomainError('SLOW_MODE', `Slow mode is on in this live: wait ${Math.ceil(retryAfterMs / 1000)} s.`, {
        retryAfterMs,
      });
    }
  }
}

/** Each live's own blocked words, masked like the app-wide list; maskers are kept per live and word list. */
export class LiveWordMasks {
  private readonly maskers = new Map<string, { words: string; mask: (text: string) => string }>();

  mask(liveId: string, words: string[], text: string): string {
    if (words.length === 0) return text;
    const key = words.join('\u0000');
    let entry = this.maskers.get(liveId);
    if (entry?.words !== key) {
      if (this.maskers.size > 10_000) this.maskers.clear(); // ended lives are not told apart: start over
      this.maskers.set(liveId, (entry = { words: key, mask: blockedWordsMasker(words) }));
    }
    return entry.mask(text);
  }
}
