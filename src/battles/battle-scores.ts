import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { DomainEvents } from '../common/domain-events';
import { GuardRemovals, setGuard, unguarded, unsetGuards } from '../common/guards';
import { withinLease } from '../common/lease';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { gifterKey, scoreSlot } from './battle-rules';
import { Battle, SCORING } from './schemas/battle.schema';

/** What scoring needs of a gift record (the gifts module's GiftSent fits it). */
export interface ScorableGift {
  _id: Types.ObjectId;
  liveId: Types.ObjectId;
  senderId: string;
  senderName: string;
  senderAvatar: string | null;
  diamonds: number;
  createdAt: Date;
}

/** This instance's pending work on one battle. */
interface Pending {
  /** A score event is owed: no slot was taken after the last gift this instance counted (see `flush`). */
  owedAfterSlot?: number;
  timer?: NodeJS.Timeout;
  touchedAt: number;
}

type ScoreSnapshot = Pick<Battle, 'scores' | 'version' | 'scoreSlot' | 'liveIds'>;

const SNAPSHOT = { scores: 1, version: 1, scoreSlot: 1, liveIds: 1 } as const;
/** A battle's guards: the gifts it counted (common/guards). */
const SCORED = 'scored';

/**
 * Battle scores from the gift settlement, exactly once per gift, and the score events.
 *
 * Scoring is one conditional update per gift on the battle's document (the only database command
 * a battle adds to a gift): it matches only while the battle can score, for a gift of one of its
 * two lives recorded in [startedAt, endsAt), not counted yet (its id is the guard), within the
 * settler's lease. The same update takes the current score-event slot (`$max`): the one gift
 * that raises the battle's slot sends live:battle:score with the scores as they stood right after
 * it. A gift that found its slot taken leaves a trailing event owed, sent by one update at the next
 * slot unless another event after it came first, so the latest scores always go out. Slots are
 * BATTLE_SCORE_EVENT_INTERVAL_MS long (at least 334 ms): never more than 4 events in a second.
 */
@Injectable()
export class BattleScores implements OnApplicationShutdown {
  private readonly pending = new Map<string, Pending>();
  /** Guards of gifts finished here, by battle: removed by this instance's next update of it (or the battle's end). */
  private readonly finishedGuards = new GuardRemovals();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectModel(Battle.name) private readonly battles: Model<Battle>,
    private readonly events: DomainEvents,
  ) {}

  onApplicationShutdown(): void {
    this.pending.forEach((p) => clearTimeout(p.timer));
    this.pending.clear();
  }

  /**
   * Counts a gift for its live's side, once, within the settler's lease. A null answer is
   * ambiguous like every settlement effect (counted before, out of the window, or the lease is
   * over) and needs no action: the settlement's next fenced write resolves the lease.
   */
  async scoreGift(gift: ScorableGift, battleId: string, leaseUntil: Date): Promise<void> {
    const giftId = gift._id.toString();
    const live = gift.liveId.toString();
    const key = gifterKey(gift.senderId);
    const now = Date.now();
    const slot = scoreSlot(now, this.config.battles.scoreEventIntervalMs);
    const finished = this.finishedGuards.pendingFor(battleId);
    const before = await this.battles
      .findOneAndUpdate(
        {
          _id: battleId,
          status: { $in: SCORING },
          liveIds: gift.liveId,
          startedAt: { $lte: gift.createdAt },
          endsAt: { $gt: gift.createdAt },
          ...unguarded(giftId, SCORED),
          ...withinLease(leaseUntil),
        },
        {
          $inc: { [`scores.${live}`]: gift.diamonds, [`gifters.${live}.${key}.diamonds`]: gift.diamonds, version: 1 },
          $set: {
            ...setGuard(giftId, SCORED),
            [`gifters.${live}.${key}.userId`]: gift.senderId,
            [`gifters.${live}.${key}.name`]: gift.senderName,
            [`gifters.${live}.${key}.avatar`]: gift.senderAvatar ?? null,
          },
          $max: { scoreSlot: slot },
          ...unsetGuards(finished, SCORED),
        },
        { returnDocument: 'before', projection: SNAPSHOT },
      )
      .lean();
    if (!before) return; // the finished gifts' guards wait for the next update, or the battle's end
    this.finishedGuards.removed(battleId, finished);
    if (before.scoreSlot < slot) {
      const scores = { ...before.scores, [live]: (before.scores?.[live] ?? 0) + gift.diamonds };
      this.emit(battleId, { ...before, scores, version: before.version + 1 }, now);
    } else this.owe(battleId, before.scoreSlot);
  }

  /** The settlement's clean step: the gift is finished and no settler of it can write, so its guard may go. */
  forgetGift(battleId: string, giftId: string): void {
    this.stateOf(battleId); // touched: pruned with the battle's other state
    this.finishedGuards.add(battleId, giftId);
  }

  /** Drops what this instance keeps for battles it has not touched for longer than any battle can last. */
  prune(now = Date.now()): void {
    const idleMs = this.config.battles.durationMaxMs + this.config.battles.settleWaitMs;
    for (const [battleId, state] of this.pending) {
      if (!state.timer && now - state.touchedAt > idleMs) {
        this.pending.delete(battleId);
        this.finishedGuards.discard(battleId);
      }
    }
  }

  /** A score event is owed after `slot`: the next slot's flush sends it unless an event after it came first. */
  private owe(battleId: string, slot: number): void {
    const state = this.stateOf(battleId);
    state.owedAfterSlot = Math.max(state.owedAfterSlot ?? slot, slot);
    if (state.timer) return;
    const interval = this.config.battles.scoreEventIntervalMs;
    const delay = (scoreSlot(Date.now(), interval) + 1) * interval - Date.now();
    state.timer = setTimeout(() => void this.flush(battleId).catch(() => undefined), delay);
    state.timer.unref();
  }

  /**
   * Takes the slot now for an owed event (and removes finished gifts' guards on the way). If the
   * battle's slot had already moved past the one seen when the event was owed, another event,
   * sent after this instance's gifts counted, carried them: nothing is owed any more.
   */
  private async flush(battleId: string): Promise<void> {
    const state = this.stateOf(battleId);
    state.timer = undefined;
    const owedAfter = state.owedAfterSlot;
    state.owedAfterSlot = undefined;
    if (owedAfter === undefined) return;
    const now = Date.now();
    const slot = scoreSlot(now, this.config.battles.scoreEventIntervalMs);
    const finished = this.finishedGuards.pendingFor(battleId);
    const before = await this.battles
      .findOneAndUpdate(
        { _id: battleId, status: { $in: SCORING } },
        { $max: { scoreSlot: slot }, ...unsetGuards(finished, SCORED) },
        { returnDocument: 'before', projection: SNAPSHOT },
      )
      .lean();
    if (!before) return; // ended: live:battle:ended carries the final scores
    this.finishedGuards.removed(battleId, finished);
    if (before.scoreSlot < slot) this.emit(battleId, before, now);
    else if (before.scoreSlot <= owedAfter) this.owe(battleId, owedAfter);
  }

  private emit(battleId: string, snapshot: ScoreSnapshot, at: number): void {
    const liveIds = snapshot.liveIds.map(String);
    this.events.emit('battle.score', {
      battleId,
      liveIds,
      scores: liveIds.map((liveId) => ({ liveId, score: snapshot.scores?.[liveId] ?? 0 })),
      version: snapshot.version,
      at: new Date(at).toISOString(),
    });
  }

  private stateOf(battleId: string): Pending {
    let state = this.pending.get(battleId);
    if (!state) {
      state = { touchedAt: Date.now() };
      this.pending.set(battleId, state);
    }
    state.touchedAt = Date.now();
    return state;
  }
}
