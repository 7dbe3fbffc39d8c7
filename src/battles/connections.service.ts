import { Inject, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RtcCredentialsView } from '../rtc/dto/rtc-credentials.view';
import { RtcService } from '../rtc/rtc.service';
import { assertHost } from '../streams/live-roles';
import { LiveRecord } from '../streams/schemas/live-stream.schema';
import { StreamsService } from '../streams/streams.service';
import { BattlesService } from './battles.service';
import { ConnectionRecord, ConnectionStore } from './connection-store';
import { ConnectionView, toConnectionView } from './dto/connection.view';
import { ConnectedLive, ConnectionEndReason } from './schemas/live-connection.schema';

/** Only these live types connect: one-host video (ZEGOCLOUD) and multi-host video (Agora). */
const CONNECTABLE = ['live', 'party'];
/** Agora tokens into the other live's channel live this long at most: renewed only while connected. */
const CROSS_TOKEN_MAX_MS = 60_000;
/** How long an invitation waits for the other host's invitation to the same pair to finish claiming. */
const MUTUAL_WAIT_MS = 1_000;
const POLL_MS = 25;

/**
 * Connections between two running lives. One connection per live is a claim per live (a unique
 * index): an invitation takes both lives' claims, in a fixed order so that two invitations for
 * the same pair contend for the same first claim, and gives back what it took if the second is
 * held. Every change of state is one conditional update on the connection, so accept, reject,
 * expiry and the end of either live or either host race to one outcome.
 */
@Injectable()
export class ConnectionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: ConnectionStore,
    private readonly streams: StreamsService,
    private readonly battles: BattlesService,
    private readonly rtc: RtcService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * The host of `liveId` invites the host of `targetLiveId`. When that host has already invited
   * this live, their invitation is accepted instead: both hosts want the connection.
   */
  async invite(liveId: string, user: AuthUser, targetLiveId: string): Promise<ConnectionView> {
    if (targetLiveId === liveId) throw new DomainError('CANNOT_TARGET_SELF', 'A live cannot connect to itself.');
    const live = await this.streams.requireActiveLive(liveId, user.userId);
    assertHost(live, user.userId);
    const target = await this.streams.findLive(targetLiveId);
    if (target.status !== 'live') {
      throw new DomainError('LIVE_ENDED', 'The invited live has ended.', { liveId: targetLiveId });
    }
    assertConnectable(live, target);

    for (let attempt = 0; ; attempt++) {
      const connection = await this.store.create({
        liveType: live.liveType,
        inviter: sideOf(live),
        invitee: sideOf(target),
        liveIds: [live._id, target._id],
        status: 'claiming',
        expiresAt: new Date(Date.now() + this.config.battles.inviteTtlMs),
        connectedAt: null,
        endedAt: null,
        endedBy: null,
        endReason: null,
        battleId: null,
      });
      const conflict = await this.claimBoth(connection);
      if (!conflict) return this.open(connection);
      await this.store.discard(connection._id);
      const holder = await this.settled(conflict.holderId);
      if (holder && isInvitation(holder, targetLiveId, liveId)) return this.accept(liveId, user, holder._id.toString());
      if (attempt === 0 && (await this.releaseIfStale(conflict.liveId, conflict.holderId, holder))) continue;
      throw new DomainError(
        'ALREADY_CONNECTED',
        conflict.liveId.equals(live._id)
          ? 'This live already has a connection or a pending invitation; end it first.'
          : 'The invited live already has a connection or a pending invitation.',
        { liveId: conflict.liveId.toString(), connectionId: conflict.holderId?.toString() ?? null },
      );
    }
  }

  /** The invited host accepts. Idempotent for a connection already made. */
  async accept(liveId: string, user: AuthUser, connectionId: string): Promise<ConnectionView> {
    const connection = await this.invitationTo(liveId, user, connectionId, 'accept');
    const now = new Date();
    const connected = await this.store.transition(
      connection._id,
      { status: 'pending', expiresAt: { $gt: now } },
      { $set: { status: 'connected', connectedAt: now } },
    );
    if (connected) return this.announce(connected);
    const current = (await this.store.find(connection._id))!;
    if (current.status === 'connected') return toConnectionView(current);
    if (current.status === 'pending') await this.expire(current);
    if (current.status === 'pending' || current.status === 'expired') throw expired(current);
    throw notPending(current);
  }

  /** The invited host declines. Idempotent for an invitation already declined. */
  async reject(liveId: string, user: AuthUser, connectionId: string): Promise<ConnectionView> {
    const connection = await this.invitationTo(liveId, user, connectionId, 'reject');
    const rejected = await this.store.transition(
      connection._id,
      { status: 'pending' },
      { $set: { status: 'rejected', endedAt: new Date(), endedBy: user.userId } },
    );
    if (rejected) return this.close(rejected, null);
    const current = (await this.store.find(connection._id))!;
    if (current.status === 'rejected') return toConnectionView(current);
    throw notPending(current);
  }

  /**
   * Either host ends the connection (or withdraws the invitation). A battle running on it is
   * forfeited by the side that ended it. Idempotent.
   */
  async end(liveId: string, user: AuthUser, connectionId: string): Promise<ConnectionView> {
    const live = await this.streams.findLive(liveId);
    assertHost(live, user.userId);
    const connection = await this.connectionOf(liveId, connectionId);
    const ended = await this.finish(connection._id, 'host_ended', user.userId);
    if (ended) return this.close(ended, live._id);
    return toConnectionView((await this.store.find(connection._id))!);
  }

  /** The live ended: its connection (or invitation) ends, and its side forfeits a battle in progress. */
  async endForLive(liveId: string): Promise<void> {
    const holder = await this.store.holderOf(liveId);
    if (!holder) return;
    const { connection, holderId } = holder;
    const id = new Types.ObjectId(liveId);
    if (!connection || connection.status === 'claiming') {
      await this.store.release(holderId, connection?.liveIds ?? [id]);
      if (connection) await this.store.discard(connection._id);
      return;
    }
    const ended = await this.finish(connection._id, 'live_ended', null);
    if (ended) await this.close(ended, id);
    else await this.store.release(holderId, connection.liveIds); // already over: a claim left by a crash
  }

  /** The live's connection or pending invitation, for the join snapshot (null when none). */
  async snapshotOf(connectionId: Types.ObjectId | undefined): Promise<ConnectionRecord | null> {
    if (!connectionId) return null;
    const connection = await this.store.find(connectionId);
    return connection && ['pending', 'connected'].includes(connection.status) ? connection : null;
  }

  /** The live's current connection or invitation; 404 when it has none. */
  async current(liveId: string): Promise<ConnectionView> {
    await this.streams.findLive(liveId);
    const holder = await this.store.holderOf(liveId);
    const connection = holder?.connection;
    if (!connection || !['pending', 'connected'].includes(connection.status)) {
      throw new DomainError('CONNECTION_NOT_FOUND', 'This live has no connection.');
    }
    return toConnectionView(connection);
  }

  /**
   * RTC credentials for the other live's channel: the host publishes into it (their side of the
   * shared picture), everyone else in this live watches it. Only while connected; Agora tokens
   * live at most 60 s, so they stop being renewed once the connection ends.
   */
  async rtcCredentials(liveId: string, user: AuthUser, connectionId: string): Promise<RtcCredentialsView> {
    const live = await this.streams.requireActiveLive(liveId, user.userId);
    const connection = await this.connectionOf(liveId, connectionId);
    if (connection.status !== 'connected') {
      throw new DomainError('NOT_CONNECTED', 'The lives are not connected (any more).', {
        status: toConnectionView(connection).status,
      });
    }
    const other = connection.inviter.liveId.equals(live._id) ? connection.invitee : connection.inviter;
    const role = live.hostId === user.userId ? 'publisher' : 'subscriber';
    const ttlMs = Math.min(this.config.rtc.tokenTtlMs, CROSS_TOKEN_MAX_MS);
    return this.rtc.channelCredentials({ liveType: connection.liveType, ...other }, user, role, ttlMs);
  }

  /** The sweep: expires overdue invitations (and drops those whose inviter died while claiming). */
  async expireOverdue(now = new Date()): Promise<number> {
    const overdue = await this.store.overdue(now);
    for (const connection of overdue) await this.expire(connection);
    return overdue.length;
  }

  // ---- steps --------------------------------------------------------------------------------

  /** Both claims, the lower live id first; on a conflict, the claim taken is given back. */
  private async claimBoth(
    connection: ConnectionRecord,
  ): Promise<{ liveId: Types.ObjectId; holderId: Types.ObjectId | null } | null> {
    const ordered = [...connection.liveIds].sort((a, b) => a.toString().localeCompare(b.toString()));
    const taken: Types.ObjectId[] = [];
    for (const liveId of ordered) {
      const conflict = await this.store.claim(liveId, connection._id);
      if (!conflict) {
        taken.push(liveId);
        continue;
      }
      await this.store.release(connection._id, taken);
      return { liveId, holderId: conflict.holderId };
    }
    return null;
  }

  /**
   * The claims are in; the invitation becomes visible. Both lives must still run: a live that
   * ended before its claim was taken left its end's reaction nothing to find, so it is checked
   * after (an end after the claim finds it and ends the connection).
   */
  private async open(connection: ConnectionRecord): Promise<ConnectionView> {
    const lives = await Promise.all(connection.liveIds.map((id) => this.streams.findLive(id.toString())));
    const ended = lives.find((live) => live.status !== 'live');
    const pending =
      !ended && (await this.store.transition(connection._id, { status: 'claiming' }, { $set: { status: 'pending' } }));
    if (!pending) {
      await this.store.release(connection._id, connection.liveIds);
      await this.store.discard(connection._id);
      throw new DomainError('LIVE_ENDED', 'One of the two lives has ended.', {
        liveId: (ended?._id ?? connection.liveIds[0]).toString(),
      });
    }
    await this.streams.link(connection.liveIds.map(String), 'connectionId', connection._id.toString());
    const view = this.announce(pending);
    this.events.emit('connection.invited', { connection: view });
    return view;
  }

  /** pending or connected -> ended, once. */
  private finish(id: Types.ObjectId, reason: ConnectionEndReason, endedBy: string | null) {
    return this.store.transition(
      id,
      { status: { $in: ['pending', 'connected'] } },
      { $set: { status: 'ended', endedAt: new Date(), endedBy, endReason: reason } },
    );
  }

  /** An invitation past its expiry -> expired, once (an accept in time wins the race instead). */
  private async expire(connection: ConnectionRecord): Promise<void> {
    if (connection.status === 'claiming') {
      // The inviter died while claiming: nobody else can finish it.
      await this.store.release(connection._id, connection.liveIds);
      await this.store.discard(connection._id);
      return;
    }
    const expiredNow = await this.store.transition(
      connection._id,
      { status: 'pending', expiresAt: { $lte: new Date() } },
      { $set: { status: 'expired', endedAt: new Date() } },
    );
    if (expiredNow) await this.close(expiredNow, null);
  }

  /** After the final state: the battle forfeited by `leftLiveId` (if any), claims and links released, rooms told. */
  private async close(connection: ConnectionRecord, leftLiveId: Types.ObjectId | null): Promise<ConnectionView> {
    if (leftLiveId) await this.battles.onConnectionEnded(connection, leftLiveId);
    await this.store.release(connection._id, connection.liveIds);
    await this.streams.unlink(connection.liveIds.map(String), 'connectionId', connection._id.toString());
    return this.announce(connection);
  }

  private announce(connection: ConnectionRecord): ConnectionView {
    const view = toConnectionView(connection);
    this.events.emit('connection.updated', { connection: view });
    return view;
  }

  /** A claim's holder as it settles: an invitation still claiming is waited for a moment (two hosts inviting each other). */
  private async settled(holderId: Types.ObjectId | null): Promise<ConnectionRecord | null> {
    if (!holderId) return null;
    const deadline = Date.now() + MUTUAL_WAIT_MS;
    let holder = await this.store.find(holderId);
    while (holder?.status === 'claiming' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      holder = await this.store.find(holderId);
    }
    return holder;
  }

  /** A claim held by a connection that is over (or expired, or gone) is released; true when it was. */
  private async releaseIfStale(
    liveId: Types.ObjectId,
    holderId: Types.ObjectId | null,
    holder: ConnectionRecord | null,
  ): Promise<boolean> {
    if (!holderId) return true; // released meanwhile
    if (!holder) {
      await this.store.release(holderId, [liveId]);
      return true;
    }
    if (['pending', 'claiming'].includes(holder.status) && holder.expiresAt <= new Date()) {
      await this.expire(holder);
      return true;
    }
    if (['rejected', 'expired', 'ended'].includes(holder.status)) {
      await this.store.release(holderId, holder.liveIds);
      return true;
    }
    return false;
  }

  private async connectionOf(liveId: string, connectionId: string): Promise<ConnectionRecord> {
    const connection = await this.store.find(connectionId);
    if (!connection || connection.status === 'claiming' || !connection.liveIds.some((id) => id.toString() === liveId)) {
      throw new DomainError('CONNECTION_NOT_FOUND', `This live has no connection ${connectionId}.`);
    }
    return connection;
  }

  /** The invitation `connectionId` to this live, and the caller is this live's host. */
  private async invitationTo(
    liveId: string,
    user: AuthUser,
    connectionId: string,
    action: string,
  ): Promise<ConnectionRecord> {
    const live = await this.streams.requireActiveLive(liveId, user.userId);
    assertHost(live, user.userId);
    const connection = await this.connectionOf(liveId, connectionId);
    if (!connection.invitee.liveId.equals(live._id)) {
      throw new DomainError('NOT_HOST', `Only the invited host can ${action} this invitation.`);
    }
    return connection;
  }
}

function sideOf(live: LiveRecord): ConnectedLive {
  return {
    liveId: live._id,
    hostId: live.hostId,
    hostUid: live.hostUid,
    hostName: live.hostName,
    hostAvatar: live.hostAvatar ?? null,
    streamingChannel: live.streamingChannel,
    callId: live.callId,
  };
}

function assertConnectable(live: LiveRecord, target: LiveRecord): void {
  if (!CONNECTABLE.includes(live.liveType) || live.liveType !== target.liveType) {
    throw new DomainError(
      'INCOMPATIBLE_LIVE_TYPE',
      "Only two running lives of the same type connect, both 'live' or both 'party'.",
      { liveType: live.liveType, targetLiveType: target.liveType },
    );
  }
}

/** A pending invitation, not expired, from `fromLiveId` to `toLiveId`. */
function isInvitation(connection: ConnectionRecord, fromLiveId: string, toLiveId: string): boolean {
  return (
    connection.status === 'pending' &&
    connection.expiresAt > new Date() &&
    connection.inviter.liveId.toString() === fromLiveId &&
    connection.invitee.liveId.toString() === toLiveId
  );
}

function expired(connection: ConnectionRecord): DomainError {
  return new DomainError('INVITATION_EXPIRED', 'This invitation has expired; send a new one.', {
    expiresAt: connection.expiresAt.toISOString(),
  });
}

function notPending(connection: ConnectionRecord): DomainError {
  const { status } = toConnectionView(connection);
  return new DomainError('CONNECTION_NOT_PENDING', `This invitation is no longer pending (${status}).`, { status });
}
