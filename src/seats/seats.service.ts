import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { SnapshotPart } from '../common/snapshot-part';
import { BansService } from '../moderation/bans.service';
import { LiveView } from '../streams/dto/live.view';
import { assertModerator, assertTargetable } from '../streams/live-roles';
import { LiveRecord, SeatMode } from '../streams/schemas/live-stream.schema';
import { assertLiveOpenTo, StreamsService } from '../streams/streams.service';
import { ViewersService } from '../viewers/viewers.service';
import { SeatChange, SeatView, toSeatView } from './dto/seat.view';
import { heldTicketsPart } from './held-tickets.part';
import { SeatRecord } from './schemas/audio-chat-user.schema';
import { fencedAt, Occupant, SeatStore } from './seat-store';
import { assertHasSeats, assertMayTakeDirectly, assertNotHostSeat, assertSeatIndex } from './seat-rules';

/** What a user holds on a live's stage: their seat, and whether they hold a seat ticket. */
export interface Stage {
  seat: SeatRecord | null;
  heldTickets: boolean;
}

/** A host or co-host acting, with the live their role was checked on (its moderatorEpoch fences the write). */
export interface Moderator {
  live: LiveRecord;
  actorId: string;
}

/** The fence a moderator's seat write carries: the live's moderatorEpoch when the role was checked. */
const fenceOf = (live: LiveRecord): number => live.moderatorEpoch ?? 0;

/** Who the seat a user lost, and how: the client of `previousUserId` drops to audience when told. */
interface Announcement {
  change: SeatChange;
  actorId: string;
  previousUserId?: string | null;
  dropToAudience?: boolean;
  heldTickets?: boolean;
}

/**
 * Seat actions of speakers (take, leave, move, mic) and of the host and co-hosts (lock, mute,
 * remove, move a speaker, seat mode). REST and socket call these same methods.
 *
 * Every seat write is one conditional update (SeatStore). Whatever it does is then re-checked
 * against the live document (still running, user not removed, user still in the live): an end or
 * a kick that lands in between is caught either by that re-check or by its own reaction, which
 * frees seats after the live document changed. So no seat outlives an end or a kick.
 * A host's or co-host's seat write also carries the live's `moderatorEpoch` its role check read
 * (SeatStore.fencedAt): a co-host removed meanwhile has fenced the seats, so the write is refused.
 */
@Injectable()
export class SeatsService {
  constructor(
    private readonly store: SeatStore,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    private readonly events: DomainEvents,
    private readonly bans: BansService,
  ) {}

  /** Every seat of a party/audio live, in index order. */
  async list(liveId: string): Promise<SeatView[]> {
    assertHasSeats(await this.streams.findLive(liveId));
    return (await this.store.list(liveId)).map(toSeatView);
  }

  /** The seats for the live:join snapshot: empty for a live without seats. */
  async snapshot(live: Pick<LiveView, 'id' | 'liveType'>): Promise<SeatView[]> {
    return live.liveType === 'live' ? [] : (await this.store.list(live.id)).map(toSeatView);
  }

  /** The seats as a part of the live:join snapshot, in index order. */
  snapshotPart(liveId: string): SnapshotPart<SeatView[]> {
    return {
      from: this.store.collectionName,
      pipeline: [{ $match: { liveId: new Types.ObjectId(liveId) } }, { $sort: { index: 1 } }],
      read: (docs) => (docs as SeatRecord[]).map(toSeatView),
    };
  }

  async isSeated(liveId: string, userId: string): Promise<boolean> {
    return (await this.store.of(liveId, userId)) !== null;
  }

  // ---- the speaker's own actions -------------------------------------------------------------

  /**
   * Takes a free seat. The seat is written first and the gate read after it, in one command with
   * the caller's ban, visit and seat tickets (not banned, the live runs, the caller is not removed,
   * may sit down directly and is in the live; tickets to drop once seated, if any): a refusal, or an end or a kick that lands before it, undoes the seat; one that
   * lands after it frees the seat in its own reaction.
   */
  async take(liveId: string, user: AuthUser, index: number): Promise<SeatView> {
    const facts = await this.streams.liveFacts(liveId);
    assertHasSeats(facts);
    assertSeatIndex(facts, index);
    assertNotHostSeat(facts, index, user.userId);
    if (user.userId === facts.hostId) {
      await this.bans.assertNotBanned(user.userId); // the route's ban check (BanCheckedInGate)
      return this.seatUser(await this.seatLive(liveId, user.userId), occupantOf(user), index, user.userId);
    }
    const seat = await this.store.occupy(liveId, index, occupantOf(user));
    let heldTickets: boolean;
    try {
      const { live, parts } = await this.streams.readGate(liveId, user.userId, {
        inLive: this.viewers.activeVisitPart(liveId, user.userId),
        heldTickets: heldTicketsPart(liveId, user.userId),
      });
      assertMayTakeDirectly(live, user.userId);
      if (!parts.inLive) throw new DomainError('NOT_IN_LIVE', 'Join the live before taking a seat.');
      heldTickets = parts.heldTickets;
    } catch (error) {
      if (seat) await this.store.vacate(seat, user.userId);
      throw error;
    }
    if (!seat) throw await this.whyNotVacant(liveId, index, user.userId);
    return this.announce(seat, { change: 'take', actorId: user.userId, heldTickets });
  }

  async leave(liveId: string, user: AuthUser, index?: number): Promise<SeatView> {
    // The route's ban check is in this read (BanCheckedInGate).
    assertHasSeats((await this.streams.readGate(liveId, user.userId, {})).live);
    const freed =
      index === undefined
        ? await this.ownSeat(liveId, user.userId).then((seat) => this.store.vacate(seat, user.userId))
        : await this.store.vacateAt(liveId, index, user.userId);
    if (!freed) throw notOnSeat();
    const how = { change: 'leave' as const, actorId: user.userId, previousUserId: user.userId, dropToAudience: true };
    return this.announce(freed, how);
  }

  /** Moves the caller from their seat to the free seat `toIndex`. */
  async move(liveId: string, user: AuthUser, toIndex: number): Promise<SeatView> {
    const live = await this.seatLive(liveId, user.userId);
    assertSeatIndex(live, toIndex);
    assertNotHostSeat(live, toIndex, user.userId);
    const source = await this.ownSeat(liveId, user.userId);
    return this.moveOccupant(live, source, toIndex, user.userId);
  }

  /** The speaker's own mic switch. A host-muted speaker cannot turn it on. */
  async setMic(liveId: string, user: AuthUser, on: boolean, index?: number): Promise<SeatView> {
    await this.seatLive(liveId, user.userId);
    const seat = await this.ownSeat(liveId, user.userId, index);
    const condition = on ? { occupantKey: user.userId, hostMuted: false } : { occupantKey: user.userId };
    const updated = await this.store.update(liveId, seat.index, condition, { micOn: on });
    if (!updated) {
      const now = await this.store.at(liveId, seat.index);
      if (now?.userId !== user.userId) throw notOnSeat();
      throw new DomainError('MUTED_BY_HOST', 'The host muted your seat; only the host or a co-host can unmute it.');
    }
    return this.announce(updated, { change: on ? 'mic_on' : 'mic_off', actorId: user.userId });
  }

  // ---- host and co-host actions ---------------------------------------------------------------

  /**
   * Locks an empty seat. Locking an occupied seat is refused (SEAT_OCCUPIED): the host removes the
   * speaker first, so a lock never silently takes someone off the air.
   */
  async lock(liveId: string, actor: AuthUser, index: number): Promise<SeatView> {
    const live = await this.moderatorLive(liveId, actor.userId, index);
    assertNotHostSeat(live, index);
    const locked = await this.store.lock(liveId, index, fenceOf(live));
    if (locked) return this.announce(locked, { change: 'lock', actorId: actor.userId });
    const seat = await this.existingSeat(liveId, index);
    await this.assertNotFenced({ live, actorId: actor.userId }, seat);
    if (seat.locked) return toSeatView(seat);
    throw new DomainError('SEAT_OCCUPIED', 'Someone sits on this seat: remove the speaker before locking it.');
  }

  async unlock(liveId: string, actor: AuthUser, index: number): Promise<SeatView> {
    const live = await this.moderatorLive(liveId, actor.userId, index);
    const unlocked = await this.store.update(
      liveId,
      index,
      { locked: true, ...fencedAt(fenceOf(live)) },
      { locked: false },
    );
    if (unlocked) return this.announce(unlocked, { change: 'unlock', actorId: actor.userId });
    return this.unchanged({ live, actorId: actor.userId }, index);
  }

  /** Host-mutes a seat (occupied or not; the mute follows its speaker on a move). Idempotent. */
  async mute(liveId: string, actor: AuthUser, index: number): Promise<SeatView> {
    const live = await this.moderatorLive(liveId, actor.userId, index);
    const muted = await this.store.update(
      liveId,
      index,
      { hostMuted: false, occupantKey: { $ne: live.hostId }, ...fencedAt(fenceOf(live)) },
      { hostMuted: true, micOn: false },
    );
    if (muted) return this.announce(muted, { change: 'mute', actorId: actor.userId });
    const seat = await this.existingSeat(liveId, index);
    await this.assertNotFenced({ live, actorId: actor.userId }, seat);
    if (seat.userId === live.hostId) throw new DomainError('CANNOT_TARGET_HOST', "The host's seat cannot be muted.");
    return toSeatView(seat);
  }

  async unmute(liveId: string, actor: AuthUser, index: number): Promise<SeatView> {
    const live = await this.moderatorLive(liveId, actor.userId, index);
    const unmuted = await this.store.update(
      liveId,
      index,
      { hostMuted: true, ...fencedAt(fenceOf(live)) },
      { hostMuted: false },
    );
    if (unmuted) return this.announce(unmuted, { change: 'unmute', actorId: actor.userId });
    return this.unchanged({ live, actorId: actor.userId }, index);
  }

  /** Takes a speaker off their seat (named by seat index or user id); they drop to audience. */
  async remove(liveId: string, actor: AuthUser, target: { index?: number; userId?: string }): Promise<SeatView> {
    const live = await this.moderatorLive(liveId, actor.userId, target.index);
    const seat =
      target.index !== undefined
        ? await this.store.at(liveId, target.index)
        : await this.store.of(liveId, target.userId!);
    if (!seat?.userId || (target.userId !== undefined && seat.userId !== target.userId))
      throw notOnSeat('That user is not on a seat.');
    assertTargetable(live, actor.userId, seat.userId);
    return this.free(seat, seat.userId, { change: 'remove', actorId: actor.userId }, { live, actorId: actor.userId });
  }

  /** Moves another speaker to the free seat `toIndex`. */
  async moveSpeaker(liveId: string, actor: AuthUser, targetUserId: string, toIndex: number): Promise<SeatView> {
    const live = await this.moderatorLive(liveId, actor.userId, toIndex);
    assertTargetable(live, actor.userId, targetUserId);
    assertNotHostSeat(live, toIndex, targetUserId);
    const source = await this.store.of(liveId, targetUserId);
    if (!source) throw notOnSeat('That user is not on a seat.');
    return this.moveOccupant(live, source, toIndex, actor.userId, { live, actorId: actor.userId });
  }

  /** Switches between `free` and `request` mode (through the live's own update, so live:update goes out too). */
  async setSeatMode(liveId: string, actor: AuthUser, seatMode: SeatMode): Promise<LiveView> {
    await this.moderatorLive(liveId, actor.userId);
    return this.streams.update(liveId, actor, { seatMode });
  }

  // ---- shared with SeatTicketsService -------------------------------------------------------------

  /** The live, running, open to the user, with seats. */
  async seatLive(liveId: string, userId: string): Promise<LiveRecord> {
    const live = await this.streams.requireActiveLive(liveId, userId);
    assertHasSeats(live);
    return live;
  }

  /** The live, as seatLive, and the caller is its host or a co-host; `index` is checked when given. */
  async moderatorLive(liveId: string, userId: string, index?: number): Promise<LiveRecord> {
    const live = await this.seatLive(liveId, userId);
    assertModerator(live, userId);
    if (index !== undefined) assertSeatIndex(live, index);
    return live;
  }

  /**
   * Seats the user on `index`, or on the first free seat when index is null (trying the next one
   * when a racer got there first). The user must be in the live (the host always is). When a
   * moderator seats them (accepting a request), the write is fenced like every moderator's.
   */
  async seatUser(
    live: LiveRecord,
    occupant: Occupant,
    index: number | null,
    actorId: string,
    moderator?: Moderator,
  ): Promise<SeatView> {
    const liveId = live._id.toString();
    const fence = moderator && fenceOf(moderator.live);
    await this.assertInLive(live, occupant.userId);
    if (index !== null) {
      assertSeatIndex(live, index);
      assertNotHostSeat(live, index, occupant.userId);
      const seat = await this.store.occupy(liveId, index, occupant, fence);
      if (!seat) throw await this.whyNotVacant(liveId, index, occupant.userId, moderator);
      return this.confirmSeated(live, seat, actorId);
    }
    const candidates = await this.store.vacantIndexes(liveId);
    for (const candidate of candidates) {
      const seat = await this.store.occupy(liveId, candidate, occupant, fence);
      if (seat) return this.confirmSeated(live, seat, actorId);
    }
    if (moderator && candidates.length > 0) {
      await this.assertNotFenced(moderator, await this.store.at(liveId, candidates[0]));
    }
    throw new DomainError('NO_FREE_SEAT', 'Every seat is taken or locked.');
  }

  async assertNotSeated(liveId: string, userId: string): Promise<void> {
    if (await this.store.of(liveId, userId))
      throw new DomainError('ALREADY_ON_SEAT', 'That user already sits on a seat.');
  }

  /** Non-hosts act on seats only while they are viewers of the live (joined, not left). */
  async assertInLive(live: LiveRecord, userId: string): Promise<void> {
    if (userId === live.hostId) return;
    if (!(await this.viewers.isActiveViewer(live._id.toString(), userId))) {
      throw new DomainError('NOT_IN_LIVE', 'Join the live before taking a seat.');
    }
  }

  // ---- reactions (called by SeatReactions) -------------------------------------------------------------

  /**
   * What the user holds on the live's stage: their seat (or null) and whether they hold a seat
   * ticket, in one read with the live's document, so a leave or a kick of someone who holds
   * neither (most viewers) costs one command here.
   */
  async stageOf(liveId: string, userId: string): Promise<Stage> {
    return (await this.streams.readLiveWith(liveId, this.stageParts(liveId, userId))).parts;
  }

  /** What stageOf reads, as parts to read with the live's document. */
  stageParts(liveId: string, userId: string): { [K in keyof Stage]: SnapshotPart<Stage[K]> } {
    return { seat: this.store.ofPart(liveId, userId), heldTickets: heldTicketsPart(liveId, userId) };
  }

  /** Frees the user's seat as read by stageOf (kick, leaving the live); nothing if they left it meanwhile. */
  async freeSeat(seat: SeatRecord, userId: string, change: SeatChange, actorId: string): Promise<void> {
    await this.free(seat, userId, { change, actorId }).catch(ignoreNotOnSeat);
  }

  // ---- internals ----------------------------------------------------------------------------------------

  /**
   * A move that keeps both invariants at every instant (see SeatStore.hold): hold the target
   * (still empty, so the user holds one seat), free the source (the user holds none), fill the
   * target (the unique index refuses it if the user sat down elsewhere meanwhile). A racer can
   * take the source as soon as it is freed, but never the held target.
   */
  private async moveOccupant(
    live: LiveRecord,
    source: SeatRecord,
    toIndex: number,
    actorId: string,
    moderator?: Moderator,
  ): Promise<SeatView> {
    const userId = source.userId!;
    if (source.index === toIndex) return toSeatView(source);
    const liveId = live._id.toString();
    // A moderator's move is fenced at its two deciding writes; the fill only completes it.
    const fence = moderator && fenceOf(moderator.live);
    const held = await this.store.hold(liveId, toIndex, userId, fence);
    if (!held) throw await this.whyNotVacant(liveId, toIndex, userId, moderator);
    const freed = await this.store.vacate(source, userId, fence);
    if (!freed) {
      await this.store.release(held, userId);
      if (moderator) await this.assertNotFenced(moderator, await this.store.at(liveId, source.index));
      throw notOnSeat('The speaker left the seat while moving.');
    }
    this.announce(freed, { change: 'move_out', actorId, previousUserId: userId });
    let filled: SeatRecord | null;
    try {
      filled = await this.store.fill(held, occupantOfSeat(source), source);
    } catch (error) {
      await this.store.release(held, userId);
      throw error;
    }
    if (!filled) {
      // The hold was cleared under us (the live ended); the user is off seat: tell their client.
      this.announce(freed, { change: 'move_out', actorId, previousUserId: userId, dropToAudience: true });
      throw new DomainError('SEAT_TAKEN', 'The seat could not be kept during the move.');
    }
    return this.confirmSeated(live, filled, actorId, 'move_in');
  }

  /** Re-checks the live after a seat write; undoes the seat if the live ended or the user left meanwhile. */
  private async confirmSeated(
    live: LiveRecord,
    seat: SeatRecord,
    actorId: string,
    change: SeatChange = 'take',
  ): Promise<SeatView> {
    const userId = seat.userId!;
    const now = await this.streams.findLive(live._id.toString());
    try {
      assertLiveOpenTo(now, userId);
      await this.assertInLive(now, userId);
    } catch (error) {
      const freed = await this.store.vacate(seat, userId);
      if (freed && change === 'move_in')
        this.announce(freed, { change: 'leave', actorId, previousUserId: userId, dropToAudience: true });
      throw error;
    }
    return this.announce(seat, { change, actorId });
  }

  private async free(seat: SeatRecord, userId: string, how: Announcement, moderator?: Moderator): Promise<SeatView> {
    const freed = await this.store.vacate(seat, userId, moderator && fenceOf(moderator.live));
    if (!freed) {
      if (moderator) await this.assertNotFenced(moderator, await this.store.at(seat.liveId.toString(), seat.index));
      throw notOnSeat();
    }
    return this.announce(freed, { ...how, previousUserId: userId, dropToAudience: true });
  }

  private async ownSeat(liveId: string, userId: string, index?: number): Promise<SeatRecord> {
    const seat = await this.store.of(liveId, userId);
    if (!seat || (index !== undefined && seat.index !== index)) throw notOnSeat();
    return seat;
  }

  private async existingSeat(liveId: string, index: number): Promise<SeatRecord> {
    const seat = await this.store.at(liveId, index);
    if (!seat) throw new DomainError('INVALID_SEAT_INDEX', `This live has no seat ${index}.`);
    return seat;
  }

  /** Explains a refused take, from the seat as it is now (for the message only; the write decided). */
  private async whyNotVacant(
    liveId: string,
    index: number,
    userId: string,
    moderator?: Moderator,
  ): Promise<DomainError> {
    const seat = await this.existingSeat(liveId, index);
    if (moderator) await this.assertNotFenced(moderator, seat);
    if (seat.userId === userId) return new DomainError('ALREADY_ON_SEAT', 'You already sit on this seat.');
    if (seat.locked) return new DomainError('SEAT_LOCKED', 'This seat is locked.');
    return new DomainError('SEAT_TAKEN', 'Someone else took this seat first.', { seatIndex: index });
  }

  /** A moderator's idempotent action that changed nothing: the seat as it is, unless a fence refused it. */
  private async unchanged(moderator: Moderator, index: number): Promise<SeatView> {
    const seat = await this.existingSeat(moderator.live._id.toString(), index);
    await this.assertNotFenced(moderator, seat);
    return toSeatView(seat);
  }

  /**
   * After a moderator's seat write was refused: if the seat was fenced since the role check (a
   * co-host lost the role meanwhile), answers with the actor's role as it is now
   * (NOT_HOST_OR_COHOST), or CONFLICT when they still hold it.
   */
  private async assertNotFenced({ live, actorId }: Moderator, seat: SeatRecord | null): Promise<void> {
    if (!seat || (seat.moderatorEpoch ?? 0) <= fenceOf(live)) return;
    assertModerator(await this.streams.findLive(live._id.toString()), actorId);
    throw new DomainError('CONFLICT', 'The co-hosts changed while this request ran; retry.');
  }

  private announce(seat: SeatRecord, how: Announcement): SeatView {
    const view = toSeatView(seat);
    this.events.emit('seat.updated', {
      liveId: view.liveStreamId,
      seat: view,
      change: how.change,
      actorId: how.actorId,
      previousUserId: how.previousUserId ?? null,
      dropToAudience: how.dropToAudience ?? false,
      heldTickets: how.heldTickets,
    });
    return view;
  }
}

export function occupantOf(user: Pick<AuthUser, 'userId' | 'uid' | 'name' | 'avatar'>): Occupant {
  return { userId: user.userId, uid: user.uid, name: user.name, avatar: user.avatar };
}

function occupantOfSeat(seat: SeatRecord): Occupant {
  return { userId: seat.userId!, uid: seat.uid!, name: seat.name!, avatar: seat.avatar };
}

function notOnSeat(message = 'You are not on this seat.'): DomainError {
  return new DomainError('NOT_ON_SEAT', message);
}

function ignoreNotOnSeat(error: unknown): void {
  if (!(error instanceof DomainError && error.code === 'NOT_ON_SEAT')) throw error;
}
