import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { isDuplicateKey } from '../common/mongo-errors';
import { keysetFilter, keysetPage, Page, PageQuery } from '../common/pagination';
import { periodStart, UtcPeriod } from '../common/utc-period';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { assertHost } from '../streams/live-roles';
import { StreamsService } from '../streams/streams.service';
import { topGifters, winnerOf } from './battle-rules';
import { ConnectionRecord, ConnectionStore } from './connection-store';
import { StartBattleDto } from './dto/connection-requests.dto';
import { BattleRankingEntry, BattleView, toBattleView } from './dto/battle.view';
import { Battle, BattleEndReason, BattleRecord, SCORING } from './schemas/battle.schema';

/**
 * PK battles on a connection. The life of a battle, each step one conditional update:
 * - start: `starting` (its `blockKey`, unique, keeps one battle per connection, running or resting)
 *   -> bound to the connection while it is connected -> both lives linked (gifts then look for
 *   it) -> `running` with its clock (startedAt, endsAt).
 * - end, exactly once: `running` -> `settling` by whoever comes first (the timer, a sweep on any
 *   instance, a host, the end of the connection or of a live); gifts recorded in the window may
 *   still score while the end waits for them (bounded) -> `ended`, which freezes the scores (no
 *   gift can score an ended battle) -> result stored -> lives unlinked -> announced. A sweep
 *   finishes what a crash left at any step.
 */
@Injectable()
export class BattlesService implements OnApplicationShutdown {
  private readonly logger = new Logger('Battles');
  /** Local end timers of the battles started here (the sweep is the fallback on every instance). */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly finishing = new Set<Promise<unknown>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectModel(Battle.name) private readonly battles: Model<Battle>,
    private readonly connections: ConnectionStore,
    private readonly streams: StreamsService,
    private readonly events: DomainEvents,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.timers.forEach((timer) => clearTimeout(timer));
    await Promise.allSettled([...this.finishing]);
  }

  // ---- start --------------------------------------------------------------------------------

  async start(liveId: string, user: AuthUser, dto: StartBattleDto): Promise<BattleView> {
    const punishmentMs = dto.punishmentMs ?? 0;
    this.assertBounds(dto.durationMs, punishmentMs);
    const live = await this.streams.requireActiveLive(liveId, user.userId);
    assertHost(live, user.userId);
    const connection = await this.connectedOf(liveId);
    const mine = connection.inviter.liveId.equals(live._id) ? connection.inviter : connection.invitee;
    const other = mine === connection.inviter ? connection.invitee : connection.inviter;

    // A finished battle's block (ended and rested, or cancelled) makes way for the next one.
    await this.battles.updateOne(
      {
        blockKey: connection._id,
        $or: [{ status: 'cancelled' }, { status: 'ended', punishmentEndsAt: { $lte: new Date() } }],
      },
      { $unset: { blockKey: 1 } },
    );
    let battle: BattleRecord;
    try {
      battle = (
        await this.battles.create({
          connectionId: connection._id,
          liveIds: [mine.liveId, other.liveId],
          sides: [mine, other].map((side) => ({
            liveId: side.liveId,
            hostId: side.hostId,
            hostName: side.hostName,
            hostAvatar: side.hostAvatar,
          })),
          startedBy: user.userId,
          status: 'starting',
          durationMs: dto.durationMs,
          punishmentMs,
          blockKey: connection._id,
          scores: { [mine.liveId.toString()]: 0, [other.liveId.toString()]: 0 },
        })
      ).toObject();
    } catch (error) {
      if (!isDuplicateKey(error, 'blockKey')) throw error;
      throw await this.inProgress(connection._id);
    }
    const id = battle._id.toString();
    const liveIds = battle.liveIds.map(String);
    // Bound to the connection only while it is connected: an end of the connection after this finds the battle.
    const bound = await this.connections.transition(
      connection._id,
      { status: 'connected' },
      { $set: { battleId: id } },
    );
    if (!bound) {
      await this.cancel(battle._id);
      throw notConnected();
    }
    // Linked before the clock starts: a gift recorded after startedAt is accepted after the link, so it sees the battle.
    await this.streams.link(liveIds, 'battleId', id);
    const startedAt = new Date();
    const running = await this.battles
      .findOneAndUpdate(
        { _id: battle._id, status: 'starting' },
        { $set: { status: 'running', startedAt, endsAt: new Date(startedAt.getTime() + dto.durationMs) } },
        { returnDocument: 'after' },
      )
      .lean();
    if (!running) {
      // The connection ended meanwhile and cancelled it.
      await this.streams.unlink(liveIds, 'battleId', id);
      throw notConnected();
    }
    this.scheduleEnd(running);
    const view = toBattleView(running);
    this.events.emit('battle.started', { battle: view });
    return view;
  }

  // ---- reads --------------------------------------------------------------------------------

  /** The live's battle in progress, or in its punishment period; else 404. */
  async current(liveId: string): Promise<BattleView> {
    await this.streams.findLive(liveId);
    const holder = await this.connections.holderOf(liveId);
    const battle = holder?.connection?.status === 'connected' ? await this.snapshotOf(holder.connection) : null;
    if (!battle) throw new DomainError('BATTLE_NOT_FOUND', 'This live has no battle in progress.');
    return battle;
  }

  /** For the join snapshot: the connection's battle in progress or resting, or null. */
  async snapshotOf(connection: ConnectionRecord | null): Promise<BattleView | null> {
    if (!connection?.battleId) return null;
    const battle = await this.battles.findById(connection.battleId, { gifters: 0, scored: 0 }).lean();
    return battle && isCurrent(battle) ? toBattleView(battle) : null;
  }

  /** The live's battles, newest first. */
  async history(liveId: string, query: PageQuery): Promise<Page<BattleView>> {
    await this.streams.findLive(liveId);
    const filter: QueryFilter<Battle> = {
      liveIds: new Types.ObjectId(liveId),
      status: { $in: ['running', 'settling', 'ended'] },
      ...keysetFilter('startedAt', 'date', query.cursor),
    };
    const docs = await this.battles
      .find(filter, { gifters: 0, scored: 0 })
      .sort({ startedAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    return keysetPage(docs, query.limit, toBattleView, (battle) => battle.startedAt);
  }

  /** Battle wins per host in the current UTC day or week (from Monday). */
  async rankings(period: UtcPeriod, limit: number): Promise<Page<BattleRankingEntry>> {
    const rows = await this.battles.aggregate<{ _id: string; name: string; avatar: string | null; wins: number }>([
      {
        $match: {
          status: 'ended',
          resultStored: true,
          winnerHostId: { $ne: null },
          endedAt: { $gte: periodStart(period, new Date()) },
        },
      },
      {
        $group: {
          _id: '$winnerHostId',
          name: { $last: '$winnerHostName' },
          avatar: { $last: '$winnerHostAvatar' },
          wins: { $sum: 1 },
        },
      },
      { $sort: { wins: -1, _id: 1 } },
      { $limit: limit },
    ]);
    const items = rows.map((row, i) => ({
      rank: i + 1,
      hostId: row._id,
      name: row.name,
      avatar: row.avatar ?? null,
      wins: row.wins,
    }));
    return { items, nextCursor: null };
  }

  // ---- end ----------------------------------------------------------------------------------

  /**
   * A host ends the battle early: their side forfeits. Idempotent: a battle already ending is
   * waited for (bounded), an ended one is returned as it stands.
   */
  async endByHost(liveId: string, user: AuthUser, battleId: string): Promise<BattleView> {
    const live = await this.streams.findLive(liveId);
    assertHost(live, user.userId);
    const battle = await this.battles.findById(battleId, { gifters: 0, scored: 0 }).lean();
    if (!battle || !battle.liveIds.some((id) => id.equals(live._id)) || !isVisible(battle)) {
      throw new DomainError('BATTLE_NOT_FOUND', `This live has no battle ${battleId}.`);
    }
    const claimed = await this.claimEnd(battle._id, 'forfeit', live._id);
    return toBattleView(claimed ? await this.finish(claimed) : await this.endOf(battle));
  }

  /** The connection ended (a host, or a live's end): its battle is cancelled before it runs, or forfeited by `liveId`. */
  async onConnectionEnded(connection: ConnectionRecord, liveId: Types.ObjectId): Promise<void> {
    if (!connection.battleId) return;
    if (await this.cancel(connection.battleId)) return;
    const claimed = await this.claimEnd(connection.battleId, 'forfeit', liveId);
    // Not awaited: a live's end (or the connection's) does not wait for the battle's gifts to settle.
    if (claimed) this.finishLater(claimed);
  }

  /** The sweep: battles whose time is up, and ends a crash left half-done. Safe on several instances. */
  async sweep(now = new Date(), limit = 100): Promise<number> {
    const repairBefore = new Date(now.getTime() - this.config.reactions.repairAfterMs);
    const due = await this.battles
      .find(
        {
          $or: [
            { status: 'running', endsAt: { $lte: now } },
            { status: 'settling', settleBy: { $lte: now } },
            { status: 'ended', announced: false, endedAt: { $lte: repairBefore } },
            { status: 'starting', createdAt: { $lte: repairBefore } },
          ],
        },
        { gifters: 0, scored: 0 },
      )
      .limit(limit)
      .lean();
    for (const battle of due) {
      if (battle.status === 'starting') await this.cancel(battle._id);
      else if (battle.status === 'running') {
        const claimed = await this.claimEnd(battle._id, 'time_up', null);
        if (claimed) await this.finish(claimed);
      } else await this.finish(battle);
    }
    return due.length;
  }

  /** running -> settling, exactly once whoever asks; an early end moves endsAt to now. */
  private async claimEnd(
    battleId: Types.ObjectId,
    reason: BattleEndReason,
    forfeitedLiveId: Types.ObjectId | null,
  ): Promise<BattleRecord | null> {
    const now = new Date();
    const claimed = await this.battles
      .findOneAndUpdate(
        { _id: battleId, status: 'running' },
        {
          $set: {
            status: 'settling',
            endReason: reason,
            forfeitedLiveId,
            settleBy: new Date(now.getTime() + this.config.battles.settleWaitMs),
          },
          $min: { endsAt: now },
        },
        { returnDocument: 'after', projection: { gifters: 0, scored: 0 } },
      )
      .lean();
    if (claimed) this.clearTimer(battleId.toString());
    return claimed;
  }

  /**
   * Finishes an end, by whoever claimed it (or the sweep, once the claimer's wait is over or its
   * work was left by a crash): waits for the window's gifts, freezes the scores (only the first to
   * freeze goes on), stores the result, unlinks the lives, announces.
   */
  private async finish(battle: BattleRecord): Promise<BattleRecord> {
    let current = battle;
    if (current.status === 'settling') {
      await this.waitForGifts(current);
      const frozen = await this.battles
        .findOneAndUpdate(
          { _id: current._id, status: 'settling' },
          { $set: { status: 'ended', endedAt: new Date() }, $unset: { scored: 1 } },
          { returnDocument: 'after' },
        )
        .lean();
      if (!frozen) return this.endOf(current);
      current = await this.storeResult(frozen);
    } else if (current.status === 'ended' && !current.resultStored) {
      current = await this.storeResult((await this.battles.findById(current._id).lean())!);
    }
    if (current.status !== 'ended' || current.announced) return current;
    await this.streams.unlink(current.liveIds.map(String), 'battleId', current._id.toString());
    this.events.emit('battle.ended', { battle: toBattleView(current) });
    await this.battles.updateOne({ _id: current._id }, { $set: { announced: true } });
    return { ...current, announced: true };
  }

  /** The battle once whoever is ending it has stored the result (waited for at most until its settle deadline). */
  private async endOf(battle: BattleRecord): Promise<BattleRecord> {
    const deadline = Math.max(battle.settleBy?.getTime() ?? 0, Date.now()) + 2_000;
    let current = battle;
    while (!(current.status === 'ended' && current.resultStored) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      current = (await this.battles.findById(battle._id, { gifters: 0, scored: 0 }).lean())!;
    }
    return current;
  }

  private async waitForGifts(battle: BattleRecord): Promise<void> {
    try {
      await this.events.emitAsync('battle.settling', {
        battleId: battle._id.toString(),
        liveIds: battle.liveIds.map(String),
        from: battle.startedAt!,
        to: battle.endsAt!,
        until: battle.settleBy!,
      });
    } catch {
      // Logged and counted by the bus; the end goes on with what has settled (the wait is bounded anyway).
    }
  }

  /** The result from the frozen scores: deterministic, so a repeat writes the same. */
  private async storeResult(ended: BattleRecord): Promise<BattleRecord> {
    const winner = winnerOf(ended);
    const side = ended.sides.find((s) => s.liveId.toString() === winner);
    const set: Record<string, unknown> = {
      resultStored: true,
      punishmentEndsAt: new Date(ended.endedAt!.getTime() + ended.punishmentMs),
      winnerLiveId: side?.liveId ?? null,
      winnerHostId: side?.hostId ?? null,
      winnerHostName: side?.hostName ?? null,
      winnerHostAvatar: side?.hostAvatar ?? null,
    };
    ended.sides.forEach((s, i) => (set[`sides.${i}.topGifters`] = topGifters(ended.gifters?.[s.liveId.toString()])));
    const stored = await this.battles
      .findOneAndUpdate(
        { _id: ended._id, status: 'ended' },
        { $set: set, $unset: { gifters: 1 } },
        { returnDocument: 'after', projection: { scored: 0 } },
      )
      .lean();
    return stored!;
  }

  private finishLater(battle: BattleRecord): void {
    this.track(this.finish(battle), battle._id.toString());
  }

  /** Work left running in the background: logged if it fails (the sweep finishes it), awaited at shutdown. */
  private track(work: Promise<unknown>, battleId: string): void {
    const run: Promise<unknown> = work
      .catch((error: unknown) =>
        this.logger.error({ err: error, battleId }, 'a battle end failed; the sweep finishes it'),
      )
      .finally(() => this.finishing.delete(run));
    this.finishing.add(run);
  }

  /** starting -> cancelled (the connection ended before it ran); false when it was no longer starting. */
  private async cancel(battleId: Types.ObjectId): Promise<boolean> {
    const cancelled = await this.battles
      .findOneAndUpdate(
        { _id: battleId, status: 'starting' },
        { $set: { status: 'cancelled' }, $unset: { blockKey: 1 } },
        { projection: { liveIds: 1 } },
      )
      .lean();
    if (!cancelled) return false;
    await this.streams.unlink(cancelled.liveIds.map(String), 'battleId', battleId.toString());
    return true;
  }

  /** Ends the battle at endsAt on this instance; other instances' sweeps do it if this one is gone. */
  private scheduleEnd(battle: BattleRecord): void {
    const id = battle._id.toString();
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        this.track(this.sweep(), id);
      },
      // A few ms late rather than early: the sweep ends only battles whose endsAt has passed.
      Math.max(0, battle.endsAt!.getTime() - Date.now() + 5),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  private clearTimer(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private assertBounds(durationMs: number, punishmentMs: number): void {
    const { durationMinMs, durationMaxMs, punishmentMaxMs } = this.config.battles;
    if (durationMs < durationMinMs || durationMs > durationMaxMs) {
      throw new DomainError('VALIDATION_FAILED', `durationMs must be between ${durationMinMs} and ${durationMaxMs}.`, {
        problems: [`durationMs must be between ${durationMinMs} and ${durationMaxMs}`],
      });
    }
    if (punishmentMs > punishmentMaxMs) {
      throw new DomainError('VALIDATION_FAILED', `punishmentMs must be at most ${punishmentMaxMs}.`, {
        problems: [`punishmentMs must be at most ${punishmentMaxMs}`],
      });
    }
  }

  private async connectedOf(liveId: string): Promise<ConnectionRecord> {
    const holder = await this.connections.holderOf(liveId);
    if (holder?.connection?.status !== 'connected') {
      throw new DomainError('NOT_CONNECTED', 'Connect this live to another one before starting a battle.');
    }
    return holder.connection;
  }

  private async inProgress(connectionId: Types.ObjectId): Promise<DomainError> {
    const blocker = await this.battles
      .findOne({ blockKey: connectionId }, { status: 1, endsAt: 1, punishmentEndsAt: 1 })
      .lean();
    const resting = blocker?.status === 'ended';
    return new DomainError(
      'BATTLE_IN_PROGRESS',
      resting ? 'The last battle is in its punishment period.' : 'A battle is already running on this connection.',
      {
        battleId: blocker?._id.toString() ?? null,
        phase: resting ? 'punishment' : 'running',
        until: (resting ? blocker?.punishmentEndsAt : blocker?.endsAt)?.toISOString() ?? null,
      },
    );
  }
}

/** A battle clients may see: it ran (not one still starting, or cancelled before it ran). */
function isVisible(battle: BattleRecord): boolean {
  return ['running', 'settling', 'ended'].includes(battle.status);
}

/** In progress (running, settling, its result not stored yet), or ended with its punishment period still running. */
function isCurrent(battle: BattleRecord): boolean {
  if ((SCORING as readonly string[]).includes(battle.status)) return true;
  if (battle.status !== 'ended') return false;
  return !battle.resultStored || (!!battle.punishmentEndsAt && battle.punishmentEndsAt > new Date());
}

function notConnected(): DomainError {
  return new DomainError('NOT_CONNECTED', 'The connection ended; connect the lives again to battle.');
}
