import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { DomainError } from '../common/errors';
import { isDuplicateKey } from '../common/mongo-errors';
import { SnapshotPart } from '../common/snapshot-part';
import { ensureIndexes } from '../database/indexes';
import { DEFAULT_GIFT_CATALOG } from './default-catalog';
import { CreateGiftDto, UpdateGiftDto } from './dto/create-gift.dto';
import { GiftCatalogView, GiftView, toGiftView } from './dto/gift.view';
import { Gift } from './schemas/gift.schema';

export type CatalogGift = Gift & { _id: Types.ObjectId };

/**
 * Upserts the default catalog by key ($setOnInsert: an admin's later edits are kept). Safe when
 * several instances seed at once: the unique key index turns a double insert into a no-op.
 * Returns how many gifts were created.
 */
export async function seedGiftCatalog(gifts: Model<Gift>): Promise<number> {
  await ensureIndexes(gifts);
  let created = 0;
  for (const entry of DEFAULT_GIFT_CATALOG) {
    try {
      const result = await gifts.updateOne(
        { key: entry.key },
        { $setOnInsert: { ...entry, active: true } },
        { upsert: true },
      );
      created += result.upsertedCount;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  return created;
}

/** Owns the gift catalog. */
@Injectable()
export class GiftCatalogService implements OnApplicationBootstrap {
  private readonly logger = new Logger('GiftCatalog');

  constructor(@InjectModel(Gift.name) private readonly gifts: Model<Gift>) {}

  /** A fresh database gets the default catalog, so the gift panel is never empty. */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.gifts.estimatedDocumentCount()) > 0) return;
    const created = await seedGiftCatalog(this.gifts);
    if (created) this.logger.log({ created }, 'default gift catalog loaded');
  }

  /** Active gifts in panel order, with the categories in the order they first appear. */
  async listActive(): Promise<GiftCatalogView> {
    const docs = await this.gifts.find({ active: true }).sort({ sortOrder: 1, priceCoins: 1, _id: 1 }).lean();
    const items = docs.map(toGiftView);
    return { items, categories: [...new Set(items.map((g) => g.category))] };
  }

  /**
   * The catalog entry as a part read with the live's document (one command for the send's whole
   * gate). Read on every send, never kept per instance: whether a gift is on sale and its price
   * decide the debit, and the price read here is the one the gift's record keeps and charges.
   */
  entryPart(giftId: string): SnapshotPart<CatalogGift | null> {
    // An id that is not one matches nothing (no gift has a null _id): GIFT_NOT_FOUND, as before.
    const id = Types.ObjectId.isValid(giftId) ? new Types.ObjectId(giftId) : null;
    return {
      from: this.gifts.collection.collectionName,
      pipeline: [{ $match: { _id: id } }, { $limit: 1 }],
      read: (docs) => (docs[0] as CatalogGift | undefined) ?? null,
    };
  }

  async create(dto: CreateGiftDto): Promise<GiftView> {
    const key = dto.key ?? `${slug(dto.name)}-${new Types.ObjectId().toString().slice(-6)}`;
    try {
      const created = await this.gifts.create({
        ...dto,
        key,
        sortOrder: dto.sortOrder ?? 0,
        iconUrl: dto.iconUrl ?? null,
        animation: { type: dto.animation?.type ?? 'none', url: dto.animation?.url ?? null },
        active: dto.active ?? true,
      });
      return toGiftView(created.toObject());
    } catch (error) {
      throw isDuplicateKey(error, 'key') ? keyTaken(key) : error;
    }
  }

  async update(giftId: string, dto: UpdateGiftDto): Promise<GiftView> {
    const set: Record<string, unknown> = Object.fromEntries(
      Object.entries(dto).filter(([, value]) => value !== undefined),
    );
    if (dto.animation) set.animation = { type: dto.animation.type, url: dto.animation.url ?? null };
    if (Object.keys(set).length === 0)
      throw new DomainError('VALIDATION_FAILED', 'Nothing to update: send at least one field.');
    try {
      return this.orNotFound(
        giftId,
        await this.gifts.findByIdAndUpdate(giftId, { $set: set }, { returnDocument: 'after' }).lean(),
      );
    } catch (error) {
      throw isDuplicateKey(error, 'key') ? keyTaken(String(dto.key)) : error;
    }
  }

  /** Takes a gift off the panel; gifts already sent keep their record. Idempotent. */
  async deactivate(giftId: string): Promise<GiftView> {
    return this.orNotFound(
      giftId,
      await this.gifts.findByIdAndUpdate(giftId, { $set: { active: false } }, { returnDocument: 'after' }).lean(),
    );
  }

  private orNotFound(giftId: string, gift: CatalogGift | null): GiftView {
    if (!gift) throw new DomainError('GIFT_NOT_FOUND', `No gift with id ${giftId}.`);
    return toGiftView(gift);
  }
}

/** The entry if it may be sent, else GIFT_NOT_FOUND / GIFT_INACTIVE. */
export function sendable(gift: CatalogGift | null, giftId: string): CatalogGift {
  if (!gift) throw new DomainError('GIFT_NOT_FOUND', `No gift with id ${giftId}.`);
  if (!gift.active) throw new DomainError('GIFT_INACTIVE', `'${gift.name}' is no longer available.`);
  return gift;
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'gift';

const keyTaken = (key: string) => new DomainError('GIFT_KEY_TAKEN', `Another gift already uses the key '${key}'.`);
