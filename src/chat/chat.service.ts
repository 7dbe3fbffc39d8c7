import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import type { MongoClient } from 'mongodb';
import { Connection, Model, QueryFilter, Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { DomainEventMap } from '../common/domain-event-map';
import { DomainEvents, OnDomainEvent } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { GroupCommit } from '../common/group-commit';
import { isDuplicateKey } from '../common/mongo-errors';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { RateLimits } from '../common/rate-limit';
import { SnapshotPart } from '../common/snapshot-part';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { multiWrite, MultiWriteStopped, namespaceOf, Write } from '../database/multi-write';
import { roleIn } from '../streams/live-roles';
import { removedFromLive, StreamsService } from '../streams/streams.service';
import { ViewersService } from '../viewers/viewers.service';
import { LiveRecord, LiveStream } from '../streams/schemas/live-stream.schema';
import { BansService, refuseIfBanned } from '../moderation/bans.service';
import { ChatMutesService } from './chat-mutes.service';
import { LiveWordMasks, SlowMode } from './live-chat-rules';
import { blockedWordsMasker, normalizeMessageText } from './chat-text';
import { ListMessagesQuery, PAGE_DIRECTIONS, PageDirection } from './dto/list-messages.query';
import { MessagePage, MessageView, toMessageView } from './dto/message.view';
import { SendMessageDto } from './dto/send-message.dto';
import { LiveMessage } from './schemas/live-message.schema';

/** The rate-limit bucket of chat messages, keyed per live and user. */
export const CHAT_RATE_BUCKET = 'chat';
/** How many messages the live:join snapshot carries. */
export const RECENT_MESSAGES = 30;

type MessageRecord = LiveMessage & { _id: Types.ObjectId };
/** A sender as their gate is read: who, and the retry key of their message if it has one. */
interface Sender {
  userId: string;
  dedupeKey?: string;
}
/** What decides whether a sender may talk (see assertMaySend). */
interface SendGate {
  live: LiveRecord;
  ban: Parameters<typeof refuseIfBanned>[0];
  inLive: boolean;
  mutedUntil: string | null;
  earlier?: MessageRecord;
}
/** A comment as stored, and whether this send stored it (else a retry's earlier one). */
interface InsertedMessage {
  record: MessageRecord;
  isNew: boolean;
}
/** A comment sent: stored (or a retry's earlier one), and whether the live counted it (else it refused it). */
interface AcceptedMessage extends InsertedMessage {
  counted: boolean;
}
interface MessageCursor extends Record<string, unknown> {
  l: string;
  id: string;
  d: PageDirection;
}

/** Owns chat messages: sending (REST and socket), history, deletion. */
@Injectable()
export class ChatService {
  private readonly mask: (text: string) => string;
  private readonly liveMasks = new LiveWordMasks();
  private readonly slowMode: SlowMode;
  /** Senders' gates, per live in a group commit (see readSendGates). */
  private readonly sendGates = new GroupCommit<Sender, SendGate>(
    async (liveId, sender) => (await this.readSendGates(liveId, [sender]))[0],
    (liveId, senders) => this.readSendGates(liveId, senders),
  );
  /** Comments being stored and counted, per live in a group commit (see accept). */
  private readonly accepts = new GroupCommit<MessageRecord, AcceptedMessage>(
    (liveId, message) => this.acceptOne(liveId, message),
    (liveId, messages) => this.acceptMany(liveId, messages),
  );
  private readonly client: MongoClient;

  constructor(
    @InjectModel(LiveMessage.name) private readonly messages: Model<LiveMessage>,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    private readonly mutes: ChatMutesService,
    private readonly rateLimits: RateLimits,
    private readonly events: DomainEvents,
    private readonly bans: BansService,
    @InjectConnection() connection: Connection,
  ) {
    this.client = connection.getClient();
    this.mask = blockedWordsMasker(config.chat.blockedWords);
    this.slowMode = new SlowMode(rateLimits);
    rateLimits.define(CHAT_RATE_BUCKET, [config.chat.rateLimit.burst, config.chat.rateLimit.sustained]);
  }

  /**
   * Sends a comment from someone in the live (host, co-host, active viewer) while it runs.
   * A retry with the same clientMessageId returns the first message: no second message, count or event.
   */
  async send(liveId: string, user: AuthUser, dto: SendMessageDto): Promise<MessageView> {
    const normalized = this.mask(normalizeMessageText(dto.text));
    const dedupeKey = dto.clientMessageId ? `${liveId}:${user.userId}:${dto.clientMessageId}` : undefined;
    const { live, earlier } = await this.assertMaySend(liveId, user, dedupeKey);
    if (earlier) return toMessageView(earlier);

    const text = this.liveMasks.mask(liveId, live.settings.blockedWords ?? [], normalized);
    if (live.settings.slowModeMs && roleIn(live, user.userId) === 'member') {
      await this.slowMode.consume(liveId, user.userId, live.settings.slowModeMs);
    }
    await this.rateLimits.consume(CHAT_RATE_BUCKET, `${liveId}:${user.userId}`);
    const message = await this.accept({ liveId, user, text, clientMessageId: dto.clientMessageId, dedupeKey });
    if (!message.isNew) return toMessageView(message.record);

    // The live's document is the gate: a message racing the end or a kick is withdrawn, not counted.
    if (!message.counted) {
      await this.messages.updateOne(
        { _id: message.record._id },
        { $set: { deletedAt: new Date(), deletedBy: 'system' } },
      );
      await this.streams.requireActiveLive(liveId, user.userId); // throws the precise reason
      throw new DomainError('LIVE_ENDED', 'This live has ended.');
    }
    const view = toMessageView(message.record);
    this.events.emit('chat.message', { liveId, message: view });
    return view;
  }

  /**
   * A settled gift also shows in the chat as a gift-type message, once per gift (its id is the
   * dedupe key, so a recovery sweep that settles it again adds nothing). Not counted as a message.
   */
  @OnDomainEvent('gift.settled')
  async onGiftSettled({ liveId, gift }: DomainEventMap['gift.settled']): Promise<void> {
    const { userId, uid, name, avatar } = gift.sender;
    const line = await this.insertOne(
      this.newRecord({
        liveId: new Types.ObjectId(liveId),
        type: 'gift',
        text: `sent ${gift.giftName} x${gift.count}`,
        sender: { userId, uid, name: name ?? userId, avatar: avatar ?? null },
        dedupeKey: `gift:${gift.id}`,
      }),
    );
    if (line.isNew) this.events.emit('chat.message', { liveId, message: toMessageView(line.record) });
  }

  /**
   * History, oldest first within a page. `older` pages walk back from the newest message, `newer`
   * pages forward from the oldest; nextCursor continues the same way, prevCursor turns around.
   */
  async list(liveId: string, query: ListMessagesQuery): Promise<MessagePage> {
    await this.streams.findLive(liveId);
    const cursor = this.readCursor(liveId, query);
    const direction = cursor?.d ?? query.direction ?? 'older';
    const filter: QueryFilter<LiveMessage> = { liveId, deletedAt: null };
    if (cursor)
      filter._id =
        direction === 'older' ? { $lt: new Types.ObjectId(cursor.id) } : { $gt: new Types.ObjectId(cursor.id) };
    const docs = await this.messages
      .find(filter)
      .sort({ _id: direction === 'older' ? -1 : 1 })
      .limit(query.limit + 1)
      .lean();
    const page = docs.slice(0, query.limit);
    const items = (direction === 'older' ? page.reverse() : page).map(toMessageView);
    if (items.length === 0) return { items, nextCursor: null, prevCursor: null };
    const [oldest, newest] = [items[0], items[items.length - 1]];
    const far = direction === 'older' ? oldest : newest;
    const near = direction === 'older' ? newest : oldest;
    return {
      items,
      nextCursor: docs.length > query.limit ? messageCursor(liveId, far.id, direction) : null,
      prevCursor: messageCursor(liveId, near.id, direction === 'older' ? 'newer' : 'older'),
    };
  }

  /** The last `count` visible messages, oldest first (for the live:join snapshot). */
  async recent(liveId: string, count = RECENT_MESSAGES): Promise<MessageView[]> {
    const docs = await this.messages.find({ liveId, deletedAt: null }).sort({ _id: -1 }).limit(count).lean();
    return docs.reverse().map(toMessageView);
  }

  /** The last messages as a part of the live:join snapshot (oldest first). */
  recentPart(liveId: string, count = RECENT_MESSAGES): SnapshotPart<MessageView[]> {
    return {
      from: this.messages.collection.collectionName,
      pipeline: [
        { $match: { liveId: new Types.ObjectId(liveId), deletedAt: null } },
        { $sort: { _id: -1 } },
        { $limit: count },
      ],
      read: (docs) => (docs as MessageRecord[]).reverse().map(toMessageView),
    };
  }

  /** A message by id, deleted or not, or 404 MESSAGE_NOT_FOUND (reports name messages). */
  async findMessage(messageId: string): Promise<MessageView> {
    const message = Types.ObjectId.isValid(messageId) ? await this.messages.findById(messageId).lean() : null;
    if (!message) throw new DomainError('MESSAGE_NOT_FOUND', `No message with id ${messageId}.`);
    return toMessageView(message);
  }

  /** An admin's deletion (a report's resolution): the same as a moderator's, in any live. */
  async deleteByAdmin(messageId: string, actorId: string): Promise<MessageView> {
    const message = await this.findMessage(messageId);
    const deleted = await this.messages
      .findOneAndUpdate({ _id: messageId, deletedAt: null }, { $set: { deletedAt: new Date(), deletedBy: actorId } })
      .lean();
    if (deleted) {
      const liveId = message.liveStreamId;
      this.events.emit('chat.message_deleted', { liveId, messageId, actorId, senderId: message.sender.userId });
    }
    return message;
  }

  /** Deletes a message (its sender, the host or a co-host). Idempotent; the room hears it once. */
  async delete(liveId: string, messageId: string, actor: AuthUser): Promise<MessageView> {
    const live = await this.streams.findLive(liveId);
    if (live.removedUserIds.includes(actor.userId)) throw removedFromLive();
    const message = await this.messages.findOne({ _id: messageId, liveId }).lean();
    if (!message) throw new DomainError('MESSAGE_NOT_FOUND', `No message with id ${messageId} in this live.`);
    if (message.sender.userId !== actor.userId && roleIn(live, actor.userId) === 'member') {
      throw new DomainError('CANNOT_DELETE_MESSAGE', 'Only its sender, the host or a co-host can delete a message.');
    }
    const deleted = await this.messages
      .findOneAndUpdate(
        { _id: messageId, deletedAt: null },
        { $set: { deletedAt: new Date(), deletedBy: actor.userId } },
        { returnDocument: 'after' },
      )
      .lean();
    if (deleted) {
      const senderId = message.sender.userId;
      this.events.emit('chat.message_deleted', { liveId, messageId, actorId: actor.userId, senderId });
    }
    return toMessageView(deleted ?? (await this.messages.findById(messageId).lean())!);
  }

  /**
   * Who may talk: the user is not banned, the live runs, chat is on, the user is in it (host,
   * co-host or active viewer) and not muted. Read in one command with the live's document (which
   * also carries the live's slow mode and blocked words), and with the message a retry (same
   * clientMessageId) names: a retry gets the first message, whatever changed since but a ban.
   * The write's own gate comes after.
   */
  private async assertMaySend(
    liveId: string,
    user: AuthUser,
    dedupeKey: string | undefined,
  ): Promise<{ live: LiveStream; earlier?: MessageRecord }> {
    const gate = await this.sendGates.run(liveId, { userId: user.userId, dedupeKey });
    refuseIfBanned(gate.ban);
    if (gate.earlier) return { live: gate.live, earlier: gate.earlier };
    const live = await this.streams.admit(gate.live, user.userId);
    if (!live.settings.chatEnabled) throw new DomainError('CHAT_DISABLED', 'Chat is turned off in this live.');
    if (roleIn(live, user.userId) === 'member' && !gate.inLive) {
      throw new DomainError('NOT_IN_LIVE', 'You are not in this live; join it first.');
    }
    if (gate.mutedUntil) {
      throw new DomainError('CHAT_MUTED', 'You are muted in this chat for now.', { until: gate.mutedUntil });
    }
    return { live };
  }

  /**
   * The gates of several senders of one live, in one read: the live's document with each one's
   * ban, visit, mute and retried message. Senders that come while one such read is in flight are
   * read together after it (see `sendGates`): each read is issued after its senders came.
   */
  private async readSendGates(liveId: string, senders: Sender[]): Promise<SendGate[]> {
    const userIds = [...new Set(senders.map((sender) => sender.userId))];
    const dedupeKeys = senders.flatMap((sender) => (sender.dedupeKey === undefined ? [] : [sender.dedupeKey]));
    const { live, parts } = await this.streams.readLiveWith(liveId, {
      bans: this.bans.activeBansPart(userIds),
      inLive: this.viewers.activeVisitsPart(liveId, userIds),
      mutes: this.mutes.mutedUntilsPart(liveId, userIds),
      earlier: dedupeKeys.length ? this.byDedupeKeysPart(dedupeKeys) : undefined,
    });
    return senders.map(({ userId, dedupeKey }) => ({
      live,
      ban: parts.bans.get(userId) ?? null,
      inLive: parts.inLive.has(userId),
      mutedUntil: parts.mutes.get(userId) ?? null,
      earlier: dedupeKey === undefined ? undefined : parts.earlier?.get(dedupeKey),
    }));
  }

  /** The messages stored under these retries' keys, by key, as a part read with the live's document. */
  private byDedupeKeysPart(dedupeKeys: string[]): SnapshotPart<Map<string, MessageRecord>> {
    return {
      from: this.messages.collection.collectionName,
      pipeline: [{ $match: { dedupeKey: { $in: dedupeKeys } } }],
      read: (docs) => new Map((docs as MessageRecord[]).map((message) => [message.dedupeKey!, message])),
    };
  }

  /**
   * Stores the message and counts it into the live, in one command (see multiWrite): the count is
   * the live's gate, which the insert raced. A concurrent send with the same client id loses on the
   * unique key and gets the winner. The messages of a live that come while one is being accepted
   * go in one command after it (see `accepts`).
   */
  private accept(input: {
    liveId: string;
    user: AuthUser;
    text: string;
    clientMessageId?: string;
    dedupeKey?: string;
  }): Promise<AcceptedMessage> {
    const { liveId, user, text, clientMessageId, dedupeKey } = input;
    const record = this.newRecord({
      liveId: new Types.ObjectId(liveId),
      type: 'comment',
      text,
      sender: { userId: user.userId, uid: user.uid, name: user.name, avatar: user.avatar ?? null },
      clientMessageId: clientMessageId ?? null,
      // Absent rather than null without a client id: its unique index is sparse.
      ...(dedupeKey === undefined ? {} : { dedupeKey }),
    });
    return this.accepts.run(liveId, record);
  }

  /**
   * A message's whole record, made before its write: a new id, and the schema's defaults and
   * timestamp. It is then written lean (no Mongoose document): Mongoose's hydration and validation
   * of a document cost more CPU than the rest of a send, and every field here is made by this code
   * from checked input.
   */
  private newRecord(
    fields: Pick<LiveMessage, 'liveId' | 'type' | 'text' | 'sender'> & Partial<LiveMessage>,
  ): MessageRecord {
    const record = { _id: new Types.ObjectId(), ...fields };
    return this.messages.applyDefaults(this.messages.applyTimestamps(record)) as MessageRecord;
  }

  /**
   * One message: its insert and its count. Its id is chosen before the write, so a message that a
   * stopped batch stored (see acceptMany) is found here as its own, and only counted.
   */
  private async acceptOne(liveId: string, message: MessageRecord): Promise<AcceptedMessage> {
    const count = this.streams.messageCountWrite(liveId, [message.sender.userId]);
    try {
      const [, counted] = await multiWrite(this.client, [this.insertWrite(message), count]);
      return { record: message, isNew: true, counted: counted === 1 };
    } catch (error) {
      if (!(error instanceof MultiWriteStopped) || error.index !== 0) throw error;
      const stored = await this.storedInstead(message, error.error);
      if (!stored.isNew) return { ...stored, counted: false };
      const [counted] = await multiWrite(this.client, [count]);
      return { ...stored, counted: counted === 1 };
    }
  }

  /**
   * Several messages in one command: their inserts, then one count whose gate covers every sender.
   * When an insert fails (a retry's key taken) or the count does not match (a sender removed, the
   * live ended), each goes on its own (acceptOne), which finds what this command stored.
   */
  private async acceptMany(liveId: string, messages: MessageRecord[]): Promise<(AcceptedMessage | undefined)[]> {
    const senderIds = messages.map((message) => message.sender.userId);
    const writes = [
      ...messages.map((message) => this.insertWrite(message)),
      this.streams.messageCountWrite(liveId, senderIds),
    ];
    const counted = await multiWrite(this.client, writes).then(
      (counts) => counts[messages.length] === 1,
      (error: unknown) => {
        if (error instanceof MultiWriteStopped) return false; // known where it stopped: safe to go on one by one
        throw error;
      },
    );
    return messages.map((record) => (counted ? { record, isNew: true, counted } : undefined));
  }

  private insertWrite(message: MessageRecord): Write {
    return { name: 'insertOne', namespace: namespaceOf(this.messages), document: message };
  }

  /** One message stored on its own (a gift's line): not counted. */
  private async insertOne(message: MessageRecord): Promise<InsertedMessage> {
    try {
      await this.messages.insertMany([message], { lean: true });
      return { record: message, isNew: true };
    } catch (error) {
      return this.storedInstead(message, error);
    }
  }

  /**
   * The message stored under this one's keys when its insert failed on one: a retry's earlier
   * message (not new), or this very one, stored by a batch that stopped after it (new).
   */
  private async storedInstead(message: MessageRecord, error: unknown): Promise<InsertedMessage> {
    if (!isDuplicateKey(error)) throw error;
    const { _id, dedupeKey } = message;
    const stored = await this.messages.findOne(dedupeKey ? { dedupeKey } : { _id }).lean();
    if (!stored) throw error;
    return { record: stored, isNew: stored._id.equals(_id) };
  }

  private readCursor(liveId: string, query: ListMessagesQuery): MessageCursor | undefined {
    if (!query.cursor) return undefined;
    const cursor = decodeCursor<MessageCursor>(query.cursor);
    if (!cursor || !Types.ObjectId.isValid(String(cursor.id)) || !PAGE_DIRECTIONS.includes(cursor.d)) {
      throw new DomainError('VALIDATION_FAILED', 'cursor is not a cursor this list gave out.');
    }
    if (cursor.l !== liveId) throw new DomainError('VALIDATION_FAILED', 'cursor belongs to another live.');
    if (query.direction && query.direction !== cursor.d) {
      throw new DomainError('VALIDATION_FAILED', `cursor pages '${cursor.d}'; leave direction out or make it match.`);
    }
    return cursor;
  }
}

function messageCursor(liveId: string, id: string, direction: PageDirection): string {
  return encodeCursor({ l: liveId, id, d: direction });
}
