import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { keysetFilter, keysetPage, Page } from '../common/pagination';
import { SeatChange } from '../seats/dto/seat.view';
import { AuditEntryView, ListAuditQuery } from './dto/audit.dto';
import { AuditEntry } from './schemas/audit-entry.schema';

type AuditRecord = AuditEntry & { _id: Types.ObjectId };
type NewEntry = Omit<AuditEntry, 'liveId' | 'createdAt' | 'reason' | 'result'> & {
  liveId: string | null;
  reason?: string | null;
  result?: Record<string, unknown>;
};

/** Seat changes that are a moderator's act on a seat or its speaker (a speaker's own are not). */
const MODERATED_SEAT_CHANGES: Partial<Record<SeatChange, string>> = {
  lock: 'seat_lock',
  unlock: 'seat_unlock',
  mute: 'seat_mute',
  unmute: 'seat_unmute',
  remove: 'seat_remove',
};
/** Host actions recorded from live.host_action (chat mutes come with their end from chat.user_muted). */
const HOST_ACTIONS = new Set(['kick', 'add_cohost', 'remove_cohost']);

/**
 * The audit log: every moderator and admin action, written by listening to the domain events the
 * acting services already publish, so they stay unaware of it. One insert per action.
 */
@Injectable()
export class AuditLogService {
  constructor(@InjectModel(AuditEntry.name) private readonly entries: Model<AuditEntry>) {}

  @OnDomainEvent('live.host_action')
  async onHostAction({ liveId, action, actorId, targetUserId, until }: DomainEventMap['live.host_action']) {
    if (!HOST_ACTIONS.has(action)) return;
    const result = action === 'kick' ? { until: until ?? null } : {};
    await this.record({ actorId, action, targetType: 'user', targetId: targetUserId, liveId, result });
  }

  @OnDomainEvent('chat.user_muted')
  async onUserMuted({ liveId, userId, actorId, until }: DomainEventMap['chat.user_muted']) {
    const action = until ? 'mute_chat' : 'unmute_chat';
    await this.record({ actorId, action, targetType: 'user', targetId: userId, liveId, result: { until } });
  }

  @OnDomainEvent('chat.message_deleted')
  async onMessageDeleted({ liveId, messageId, actorId, senderId }: DomainEventMap['chat.message_deleted']) {
    if (senderId === actorId) return; // a user deleting their own message moderates nobody
    const result = { senderId: senderId ?? null };
    await this.record({
      actorId,
      action: 'delete_message',
      targetType: 'message',
      targetId: messageId,
      liveId,
      result,
    });
  }

  @OnDomainEvent('seat.updated')
  async onSeatUpdated({ liveId, seat, change, actorId, previousUserId }: DomainEventMap['seat.updated']) {
    const action = MODERATED_SEAT_CHANGES[change];
    if (!action) return;
    const result = { seatIndex: seat.seatIndex, userId: previousUserId ?? seat.userId };
    await this.record({ actorId, action, targetType: 'seat', targetId: String(seat.seatIndex), liveId, result });
  }

  @OnDomainEvent('live.updated')
  async onLiveUpdated({ live, changes, actorId }: DomainEventMap['live.updated']) {
    if (changes.length === 1 && changes[0] === 'coHostIds') return; // recorded as add/remove_cohost
    const settings = Object.fromEntries(changes.map((path) => [path, valueAt(live, path)]));
    await this.record({
      actorId,
      action: 'update_live',
      targetType: 'live',
      targetId: live.id,
      liveId: live.id,
      result: settings,
    });
  }

  @OnDomainEvent('moderation.action')
  async onModerationAction(action: DomainEventMap['moderation.action']) {
    await this.record(action);
  }

  /** Every entry (admins), newest first, optionally for one live, actor or target. */
  async list(query: ListAuditQuery): Promise<Page<AuditEntryView>> {
    const filter: QueryFilter<AuditEntry> = keysetFilter('createdAt', 'date', query.cursor);
    if (query.liveId) filter.liveId = new Types.ObjectId(query.liveId);
    if (query.actorId) filter.actorId = query.actorId;
    if (query.targetId) filter.targetId = query.targetId;
    const docs = await this.entries
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    return keysetPage(docs, query.limit, toAuditView, (entry) => entry.at);
  }

  private async record(entry: NewEntry): Promise<void> {
    await this.entries.create({
      ...entry,
      liveId: entry.liveId ? new Types.ObjectId(entry.liveId) : null,
      reason: entry.reason ?? null,
      result: entry.result ?? {},
    });
  }
}

function valueAt(object: object, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], object);
}

function toAuditView(entry: AuditRecord): AuditEntryView {
  return {
    id: entry._id.toString(),
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    liveId: entry.liveId?.toString() ?? null,
    reason: entry.reason ?? null,
    result: entry.result ?? {},
    at: entry.createdAt.toISOString(),
  };
}
