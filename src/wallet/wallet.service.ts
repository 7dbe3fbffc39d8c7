import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter } from 'mongoose';
import { isDuplicateKey } from '../common/mongo-errors';
import { CreditCoinsDto } from './dto/credit-coins.dto';
import { toLedgerEntryView, WalletView } from './dto/wallet.view';
import { Currency, LedgerEntry, LedgerReason } from './schemas/ledger-entry.schema';
import { Wallet } from './schemas/wallet.schema';

const RECENT_ENTRIES = 20;

/** One movement: signed deltas, booked under `ref` (unique per wallet). */
export interface Move {
  userId: string;
  ref: string;
  reason: LedgerReason;
  coins?: number;
  diamonds?: number;
}

/** What happened, with the wallet's balances (after the move when it was applied now). */
export interface MoveOutcome {
  status: 'applied' | 'already_applied' | 'insufficient';
  coins: number;
  diamonds: number;
}

/** Owns wallets and their ledger. Every balance change is a Move: applied once, booked once. */
@Injectable()
export class WalletService {
  constructor(
    @InjectModel(Wallet.name) private readonly wallets: Model<Wallet>,
    @InjectModel(LedgerEntry.name) private readonly ledger: Model<LedgerEntry>,
  ) {}

  /**
   * Applies a movement exactly once: the balance change and its reference land in one conditional
   * update (debits also require enough funds), then the ledger entry is written (unique per
   * reference). Running it again after a crash finds the reference and only completes the booking.
   */
  async move(move: Move): Promise<MoveOutcome> {
    const coins = move.coins ?? 0;
    const diamonds = move.diamonds ?? 0;
    await this.ensureWallet(move.userId);
    const filter: QueryFilter<Wallet> = { userId: move.userId, appliedRefs: { $ne: move.ref } };
    if (coins < 0) filter.coins = { $gte: -coins };
    if (diamonds < 0) filter.diamonds = { $gte: -diamonds };
    const after = await this.wallets
      .findOneAndUpdate(
        filter,
        { $inc: { coins, diamonds }, $push: { appliedRefs: move.ref } },
        { returnDocument: 'after' },
      )
      .lean();
    if (after) {
      await this.book(move, { coins: after.coins, diamonds: after.diamonds });
      return { status: 'applied', coins: after.coins, diamonds: after.diamonds };
    }
    const current = (await this.wallets.findOne({ userId: move.userId }).lean())!;
    if (current.appliedRefs.includes(move.ref) || (await this.isBooked(move))) {
      await this.book(move, null); // a crash may have fallen between the change and its entry
      return { status: 'already_applied', coins: current.coins, diamonds: current.diamonds };
    }
    return { status: 'insufficient', coins: current.coins, diamonds: current.diamonds };
  }

  /** Drops a settled gift's reference (its gift's state guards it from now on). */
  async forgetRef(userId: string, ref: string): Promise<void> {
    await this.wallets.updateOne({ userId, appliedRefs: ref }, { $pull: { appliedRefs: ref } });
  }

  async coinsOf(userId: string): Promise<number> {
    return (await this.wallets.findOne({ userId }, { coins: 1 }).lean())?.coins ?? 0;
  }

  /** Admin top-up after a purchase verified elsewhere; idempotent by purchaseRef. */
  async credit(dto: CreditCoinsDto): Promise<WalletView> {
    await this.move({ userId: dto.userId, ref: `purchase:${dto.purchaseRef}`, reason: 'purchase', coins: dto.coins });
    return this.view(dto.userId);
  }

  /** The wallet and its latest entries (zeros for a user who never had a movement). */
  async view(userId: string): Promise<WalletView> {
    const wallet = await this.wallets.findOne({ userId }).lean();
    const entries = await this.ledger.find({ userId }).sort({ createdAt: -1, _id: -1 }).limit(RECENT_ENTRIES).lean();
    return {
      userId,
      coins: wallet?.coins ?? 0,
      diamonds: wallet?.diamonds ?? 0,
      recentEntries: entries.map(toLedgerEntryView),
    };
  }

  private async ensureWallet(userId: string): Promise<void> {
    try {
      await this.wallets.updateOne(
        { userId },
        { $setOnInsert: { coins: 0, diamonds: 0, appliedRefs: [] } },
        { upsert: true },
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // created by a concurrent call: fine
    }
  }

  private async isBooked(move: Move): Promise<boolean> {
    return (await this.ledger.exists({ userId: move.userId, reference: move.ref })) !== null;
  }

  /** Writes the movement's entries (one per currency it touches); an existing entry is kept. */
  private async book(move: Move, balances: Record<Currency, number> | null): Promise<void> {
    const amounts: [Currency, number][] = [
      ['coins', move.coins ?? 0],
      ['diamonds', move.diamonds ?? 0],
    ];
    for (const [currency, amount] of amounts.filter(([, a]) => a !== 0)) {
      try {
        await this.ledger.create({
          userId: move.userId,
          currency,
          amount,
          balanceAfter: balances ? balances[currency] : null,
          reason: move.reason,
          reference: move.ref,
        });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }
}
