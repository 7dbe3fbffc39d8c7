import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKey } from '../common/mongo-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { GiftComboRun } from './schemas/gift-combo.schema';
import { GiftCombo, GiftSent } from './schemas/gift-sent.schema';

const ATTEMPTS = 3;

/**
 * Combos: the same sender sending the same gift to the same receiver within the combo window
 * continues a combo (same comboId, running count) for the client's animation. Cosmetic: it never
 * moves coins, so a rare race that starts two combos at once is harmless.
 */
@Injectable()
export class GiftCombosService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectModel(GiftComboRun.name) private readonly runs: Model<GiftComboRun>,
  ) {}

  async next(gift: Pick<GiftSent, 'liveId' | 'senderId' | 'giftId' | 'receiverId' | 'count'>): Promise<GiftCombo> {
    const key = [gift.liveId, gift.senderId, gift.giftId, gift.receiverId].join(':');
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = new Date();
      const cutoff = new Date(now.getTime() - this.config.gifts.comboWindowMs);
      const continued = await this.runs
        .findOneAndUpdate(
          { key, lastAt: { $gte: cutoff } },
          { $inc: { comboCount: gift.count }, $set: { lastAt: now } },
          { returnDocument: 'after' },
        )
        .lean();
      if (continued) return { comboId: continued.comboId, comboCount: continued.comboCount };
      const fresh = { comboId: new Types.ObjectId().toString(), comboCount: gift.count, lastAt: now };
      const restarted = await this.runs.updateOne({ key, lastAt: { $lt: cutoff } }, { $set: fresh });
      if (restarted.modifiedCount === 1) return { comboId: fresh.comboId, comboCount: fresh.comboCount };
      try {
        await this.runs.create({ key, ...fresh });
        return { comboId: fresh.comboId, comboCount: fresh.comboCount };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // another gift started it: continue that combo
      }
    }
    return { comboId: new Types.ObjectId().toString(), comboCount: gift.count };
  }

  /**
   * Deletes the combos whose window has passed (no TTL index on the embedded server, so a sweep
   * does it). A gift racing the delete finds no run and starts a new combo, as it would anyway.
   * No index on `lastAt`: pruned, the collection holds about one window of combos.
   */
  async pruneExpired(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.gifts.comboWindowMs);
    const { deletedCount } = await this.runs.deleteMany({ lastAt: { $lt: cutoff } });
    return deletedCount;
  }
}
