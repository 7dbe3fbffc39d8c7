import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { upsertWithRetry } from '../common/mongo-errors';
import { SnapshotPart } from '../common/snapshot-part';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { assertModerator, assertTargetable } from '../streams/live-roles';
import { StreamsService } from '../streams/streams.service';
import { ChatMuteView } from './dto/mute-user.dto';
import { ChatMute } from './schemas/chat-mute.schema';

/** Owns chat mutes: one document per live and user, muted while `until` is in the future. */
@Injectable()
export class ChatMutesService {
  constructor(
    @InjectModel(ChatMute.name) private readonly mutes: Model<ChatMute>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly streams: StreamsService,
    private readonly events: DomainEvents,
  ) {}

  /** Host or co-host mutes a user for `durationMs` (default and cap from config); muting again replaces the end. */
  async mute(liveId: string, actor: AuthUser, targetUserId: string, durationMs?: number): Promise<ChatMuteView> {
    await this.assertCanModerate(liveId, actor, targetUserId);
    const { muteDefaultMs, muteMaxMs } = this.config.chat;
    const until = new Date(Date.now() + Math.min(durationMs ?? muteDefaultMs, muteMaxMs));
    await upsertWithRetry(() =>
      this.mutes.updateOne(
        { liveId, userId: targetUserId },
        { $set: { until, mutedBy: actor.userId } },
        { upsert: true },
      ),
    );
    return this.announce(liveId, actor, targetUserId, until);
  }

  /** Ends a mute now (idempotent). */
  async unmute(liveId: string, actor: AuthUser, targetUserId: string): Promise<ChatMuteView> {
    await this.assertCanModerate(liveId, actor, targetUserId);
    await this.mutes.updateOne(
      { liveId, userId: targetUserId },
      { $set: { until: new Date(), mutedBy: actor.userId } },
    );
    return this.announce(liveId, actor, targetUserId, null);
  }

  /** When the user's mute in the live ends (null: not muted), as a part read with the live's document. */
  mutedUntilPart(liveId: string, userId: string): SnapshotPart<string | null> {
    const part = this.mutedUntilsPart(liveId, [userId]);
    return { ...part, read: (docs) => part.read(docs).get(userId) ?? null };
  }

  /** When the mutes of those of these users muted in the live end, by user, as a part read with the live's document. */
  mutedUntilsPart(liveId: string, userIds: string[]): SnapshotPart<Map<string, string>> {
    return {
      from: this.mutes.collection.collectionName,
      pipeline: [
        { $match: { liveId: new Types.ObjectId(liveId), userId: { $in: userIds }, until: { $gt: new Date() } } },
        { $project: { userId: 1, until: 1 } },
      ],
      read: (docs) =>
        new Map((docs as { userId: string; until: Date }[]).map((m) => [m.userId, m.until.toISOString()])),
    };
  }

  private async assertCanModerate(liveId: string, actor: AuthUser, targetUserId: string): Promise<void> {
    const live = await this.streams.requireActiveLive(liveId, actor.userId);
    assertModerator(live, actor.userId);
    assertTargetable(live, actor.userId, targetUserId);
    if (live.coHostIds.includes(targetUserId) && live.hostId !== actor.userId) {
      throw new DomainError('NOT_HOST', 'Only the host can mute or unmute a co-host.');
    }
  }

  private announce(liveId: string, actor: AuthUser, userId: string, until: Date | null): ChatMuteView {
    const untilIso = until?.toISOString() ?? null;
    this.events.emit('chat.user_muted', { liveId, userId, actorId: actor.userId, until: untilIso });
    const action = until ? 'mute_chat' : 'unmute_chat';
    this.events.emit('live.host_action', { liveId, action, actorId: actor.userId, targetUserId: userId });
    return { liveStreamId: liveId, userId, muted: until !== null, until: untilIso };
  }
}
