import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { DomainEventMap } from '../common/domain-event-map';
import { DomainEvents, OnDomainEvent } from '../common/domain-events';
import { isDuplicateKey } from '../common/mongo-errors';
import { toMessageView } from './dto/message.view';
import { LiveMessage } from './schemas/live-message.schema';

/** How long a settled gift's chat line may wait, so that the lines of a gift burst share one insert. */
export const GIFT_LINE_FLUSH_MS = 250;

type GiftLine = Pick<LiveMessage, 'type' | 'text' | 'sender' | 'dedupeKey'> & { liveId: Types.ObjectId };

/**
 * A settled gift also shows in the chat as a gift-type message, once per gift (its id is the
 * dedupe key), not counted as a message. The lines of every gift settled on this instance within
 * GIFT_LINE_FLUSH_MS go in one insert, each then sent to its room: a live in a gift burst pays one
 * command per window for them, not one per gift. A crash loses at most one window of lines (the
 * gifts themselves are settled and kept); a stopping instance inserts what waits.
 */
@Injectable()
export class GiftChatLines implements BeforeApplicationShutdown {
  private readonly logger = new Logger('GiftChatLines');
  private waiting: GiftLine[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectModel(LiveMessage.name) private readonly messages: Model<LiveMessage>,
    private readonly events: DomainEvents,
  ) {}

  @OnDomainEvent('gift.settled')
  onGiftSettled({ liveId, gift }: DomainEventMap['gift.settled']): void {
    const { userId, uid, name, avatar } = gift.sender;
    this.waiting.push({
      liveId: new Types.ObjectId(liveId),
      type: 'gift',
      text: `sent ${gift.giftName} x${gift.count}`,
      sender: { userId, uid, name: name ?? userId, avatar },
      dedupeKey: `gift:${gift.id}`,
    });
    this.timer ??= setTimeout(() => void this.flush(), GIFT_LINE_FLUSH_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Inserts the lines that wait, in one command, and sends each one inserted to its room. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.waiting;
    this.waiting = [];
    if (lines.length === 0) return;
    let inserted: { toObject(): LiveMessage & { _id: Types.ObjectId } }[];
    try {
      inserted = await this.messages.insertMany(lines, { ordered: false });
    } catch (error) {
      // A line already there (its dedupe key) is skipped; the others went in.
      const { insertedDocs } = error as { insertedDocs?: typeof inserted };
      if (!isDuplicateKey(error, 'dedupeKey') || !insertedDocs) {
        this.logger.warn({ err: error, lines: lines.length }, 'gift chat lines not written');
        return;
      }
      inserted = insertedDocs;
    }
    for (const doc of inserted) {
      const message = toMessageView(doc.toObject());
      this.events.emit('chat.message', { liveId: message.liveStreamId, message });
    }
  }
}
