import { Inject, Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { DomainError } from '../common/errors';
import { awaitOrTakeOver, LEASE_EXPIRED, leaseEnd, LeasedRecord, withinLease } from '../common/lease';
import { isDuplicateKey } from '../common/mongo-errors';
import { groupBy } from '../common/group-by';
import {
  GuardRemovals,
  guardIdsOf,
  HOLDING_GUARDS,
  holdsGuard,
  setGuard,
  unguarded,
  unsetGuards,
} from '../common/guards';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CreditCoinsDto } from './dto/credit-coins.dto';
import { toLedgerEntryView, WalletView } from './dto/wallet.view';
import { Currency, LedgerEntry, LedgerReason } from './schemas/ledger-entry.schema';
import { Purchase } from './schemas/purchase.schema';
import { Wallet } from './schemas/wallet.schema';

const RECENT_ENTRIES = 20;

/** One movement: signed deltas, booked under `ref` (unique per wallet), by a holder of a lease. */
export interface Move {
  userId: string;
  ref: string;
  reason: LedgerReason;
  coins?: number;
  diamonds?: number;
  /** The end of the mover's lease: past it (by the database's clock) the movement cannot apply. */
  leaseUntil: Date;
}

/**
 * What happened, with the wallet's balances (after the move when it was applied now).
 * `lease_over`: the mover's lease ended before the movement could apply; another holder decides.
 */
export interface MoveOutcome {
  status: 'applied' | 'already_applied' | 'insufficient' | 'lease_over';
  coins: number;
  diamonds: number;
}

/** A movement's ledger entries still to write, with the balances right after it (null: not known). */
export interface Booking {
  move: Move;
  balances: Record<Currency, number> | null;
}

type PurchaseRecord = Purchase & { _id: Types.ObjectId };

/** Owns wallets, their ledger and purchases. Every balance change is a Move: applied once, booked once. */
@Injectable()
export class WalletService {
  /** References of movements finished here, by user: removed by the wallet's next movement here (see move). */
  private readonly finishedGuards = new GuardRemovals();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectModel(Wallet.name) private readonly wallets: Model<Wallet>,
    @InjectModel(LedgerEntry.name) private readonly ledger: Model<LedgerEntry>,
    @InjectModel(Purchase.name) private readonly purchases: Model<Purchase>,
  ) {}

  /**
   * Applies a movement exactly once: the balance change and its reference land in one conditional
   * update (debits also require enough funds; the mover's lease must still run), then the ledger
   * entry is written (unique per reference). Running it again finds the reference (or, once the
   * reference is removed, the entry) and only completes the booking. With `bookings`, the entries
   * are added there for the caller to write with others in one command (`bookAll`), before it
   * finishes the work the movement belongs to: until then the movement's guard stays, so a
   * takeover after a crash completes a missing entry.
   */
  async move(move: Move, bookings?: Booking[]): Promise<MoveOutcome> {
    const coins = move.coins ?? 0;
    const diamonds = move.diamonds ?? 0;
    const filter: QueryFilter<Wallet> = {
      userId: move.userId,
      ...unguarded(move.ref),
      ...withinLease(move.leaseUntil),
    };
    if (coins < 0) filter.coins = { $gte: -coins };
    if (diamonds < 0) filter.diamonds = { $gte: -diamonds };
    const apply = async () => {
      const finished = this.finishedGuards.pendingFor(move.userId);
      const applied = await this.wallets
        .findOneAndUpdate(
          filter,
          { $inc: { coins, diamonds }, $set: setGuard(move.ref), ...unsetGuards(finished) },
          { returnDocument: 'after' },
        )
        .lean();
      if (applied) this.finishedGuards.removed(move.userId, finished);
      return applied;
    };
    let after = await apply();
    let current = after ? null : await this.wallets.findOne({ userId: move.userId }).lean();
    const missedWallet = !after && (!current || !holdsGuard(current, move.ref));
    if (missedWallet && coins >= 0 && diamonds >= 0) {
      // The user's first movement: the wallet did not exist when the update ran (it may exist by now,
      // made by a concurrent first movement). Created once, the movement applies as usual.
      if (!current) await this.ensureWallet(move.userId);
      after = await apply();
      current = after ? null : await this.wallets.findOne({ userId: move.userId }).lean();
    }
    if (after) {
      const booking = { move, balances: { coins: after.coins, diamonds: after.diamonds } };
      if (bookings) bookings.push(booking);
      else await this.bookAll([booking]);
      return { status: 'applied', coins: after.coins, diamonds: after.diamonds };
    }
    const balances = { coins: current?.coins ?? 0, diamonds: current?.diamonds ?? 0 };
    if (holdsGuard(current, move.ref) || (await this.isBooked(move))) {
      // A crash may have fallen between the change and its entry.
      if (bookings) bookings.push({ move, balances: null });
      else await this.bookAll([{ move, balances: null }]);
      return { status: 'already_applied', ...balances };
    }
    if (balances.coins < -coins || balances.diamonds < -diamonds) return { status: 'insufficient', ...balances };
    return { status: 'lease_over', ...balances };
  }

  /** Drops a finished movement's reference; call only when no holder of its lease can still write. */
  async forgetRef(userId: string, ref: string): Promise<void> {
    await this.forgetRefs([{ userId, ref }]);
  }

  /** Drops finished movements' references, one command for all (see forgetRef). */
  async forgetRefs(refs: { userId: string; ref: string }[]): Promise<void> {
    const byUser = groupBy(
      refs,
      (r) => r.userId,
      (r) => r.ref,
    );
    if (byUser.size === 0) return;
    await this.wallets.bulkWrite(
      [...byUser].map(([userId, ids]) => ({ updateOne: { filter: { userId }, update: unsetGuards(ids) } })),
      { ordered: false },
    );
  }

  /**
   * A finished movement's reference goes with this instance's next movement of the same wallet (no
   * command of its own), or with the recovery sweep; call only when no holder of its lease can write.
   */
  forgetRefSoon(userId: string, ref: string): void {
    this.finishedGuards.add(userId, ref);
  }

  /** Writes the reference removals still waiting for a next movement (a stopping instance's last batch). */
  async forgetFinishedRefs(): Promise<void> {
    const waiting = this.finishedGuards.drain();
    await this.forgetRefs([...waiting].flatMap(([userId, refs]) => refs.map((ref) => ({ userId, ref }))));
  }

  /**
   * Guard references of one kind (`gift:`, `purchase:`) that wallets still hold, at most `limit`
   * wallets read: for recovery sweeps (HOLDING_GUARDS reads a range of the guards' index).
   */
  async guardedRefs(kind: 'gift:' | 'purchase:', limit: number): Promise<string[]> {
    const wallets = await this.wallets.find(HOLDING_GUARDS, { guards: 1 }).limit(limit).lean();
    return wallets.flatMap(guardIdsOf).filter((ref) => ref.startsWith(kind));
  }

  async coinsOf(userId: string): Promise<number> {
    return (await this.wallets.findOne({ userId }, { coins: 1 }).lean())?.coins ?? 0;
  }

  /**
   * Admin top-up after a purchase verified elsewhere; idempotent by purchaseRef. The purchase is
   * recorded first; its recorder applies it, a retry waits for it or takes over a dead recorder.
   */
  async credit(dto: CreditCoinsDto): Promise<WalletView> {
    const { purchase, recorded } = await this.recordPurchase(dto);
    if (purchase.coins !== dto.coins) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        `purchaseRef '${dto.purchaseRef}' was credited with ${purchase.coins} coins; one reference names one purchase.`,
        { purchaseRef: dto.purchaseRef, coins: purchase.coins },
      );
    }
    const final = recorded
      ? await this.applyPurchase(purchase)
      : await awaitOrTakeOver(this.leased(purchase), purchase, this.config.gifts.leaseMs);
    if (final.state !== 'applied') {
      throw new DomainError(
        'PURCHASE_PENDING',
        'This purchase is still being credited; retry with the same purchaseRef.',
        {
          purchaseRef: dto.purchaseRef,
        },
      );
    }
    return this.view(dto.userId);
  }

  /**
   * Finishes purchases whose crediting request died (applies them, or removes the guard reference
   * it left). Each is taken over by a conditional update, so several instances can sweep.
   */
  async recoverPurchases(limit = 100): Promise<number> {
    const abandoned = await this.purchases
      .find({ cleaned: false, ...LEASE_EXPIRED })
      .limit(limit)
      .lean();
    for (const purchase of abandoned) {
      if (purchase.state === 'applied') await this.cleanPurchase(purchase);
      else {
        const claimed = await this.claimPurchase(purchase._id);
        if (claimed) await this.applyPurchase(claimed);
      }
    }
    return abandoned.length;
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

  private async recordPurchase(dto: CreditCoinsDto): Promise<{ purchase: PurchaseRecord; recorded: boolean }> {
    try {
      const created = await this.purchases.create({
        userId: dto.userId,
        purchaseRef: dto.purchaseRef,
        coins: dto.coins,
        state: 'pending',
        leaseUntil: leaseEnd(this.config.gifts.leaseMs),
      });
      return { purchase: created.toObject(), recorded: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const first = await this.purchases.findOne({ userId: dto.userId, purchaseRef: dto.purchaseRef }).lean();
      return { purchase: first!, recorded: false };
    }
  }

  /** Applies a purchase under the lease it carries; removes the guard at once when this holder finished it. */
  private async applyPurchase(purchase: PurchaseRecord): Promise<PurchaseRecord> {
    const moved = await this.move({
      userId: purchase.userId,
      ref: purchaseRef(purchase),
      reason: 'purchase',
      coins: purchase.coins,
      leaseUntil: purchase.leaseUntil,
    });
    if (moved.status === 'lease_over') return this.readPurchase(purchase._id);
    const applied = await this.purchases
      .findOneAndUpdate(
        { _id: purchase._id, state: 'pending', leaseUntil: purchase.leaseUntil, ...withinLease(purchase.leaseUntil) },
        { $set: { state: 'applied' } },
        { returnDocument: 'after' },
      )
      .lean();
    if (!applied) return this.readPurchase(purchase._id);
    // This holder marked it applied within its lease, so every earlier holder's lease was over:
    // nobody can write this movement again, and the purchase's record guards it from now on.
    await this.cleanPurchase(applied);
    return applied;
  }

  private async cleanPurchase(purchase: PurchaseRecord): Promise<void> {
    await this.forgetRef(purchase.userId, purchaseRef(purchase));
    await this.purchases.updateOne({ _id: purchase._id }, { $set: { cleaned: true } });
  }

  private claimPurchase(id: Types.ObjectId): Promise<PurchaseRecord | null> {
    return this.purchases
      .findOneAndUpdate(
        { _id: id, state: 'pending', ...LEASE_EXPIRED },
        { $set: { leaseUntil: leaseEnd(this.config.gifts.leaseMs) } },
        { returnDocument: 'after' },
      )
      .lean();
  }

  private async readPurchase(id: Types.ObjectId): Promise<PurchaseRecord> {
    return (await this.purchases.findById(id).lean())!;
  }

  private leased(purchase: PurchaseRecord): LeasedRecord<PurchaseRecord> {
    return {
      read: () => this.readPurchase(purchase._id),
      isFinal: (p) => p.state === 'applied',
      claim: () => this.claimPurchase(purchase._id),
      finish: (claimed) => this.applyPurchase(claimed),
    };
  }

  private async ensureWallet(userId: string): Promise<void> {
    try {
      await this.wallets.updateOne({ userId }, { $setOnInsert: { coins: 0, diamonds: 0 } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // created by a concurrent call: fine
    }
  }

  private async isBooked(move: Move): Promise<boolean> {
    return (await this.ledger.exists({ userId: move.userId, reference: move.ref })) !== null;
  }

  /**
   * Writes the movements' entries (one per currency each touches) in one command; an existing
   * entry is kept (unique per wallet, reference and currency), the others are written anyway.
   */
  async bookAll(bookings: Booking[]): Promise<void> {
    const entries = bookings.flatMap(({ move, balances }) =>
      (
        [
          ['coins', move.coins ?? 0],
          ['diamonds', move.diamonds ?? 0],
        ] as [Currency, number][]
      )
        .filter(([, amount]) => amount !== 0)
        .map(([currency, amount]) => ({
          userId: move.userId,
          currency,
          amount,
          balanceAfter: balances ? balances[currency] : null,
          reason: move.reason,
          reference: move.ref,
        })),
    );
    if (entries.length === 0) return;
    try {
      await this.ledger.insertMany(entries, { ordered: false });
    } catch (error) {
      if (!onlyDuplicateKeys(error)) throw error;
    }
  }
}

/** True when a write of several documents failed only on a unique index (each failed one exists already). */
function onlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
  if (writeErrors === undefined) return isDuplicateKey(error);
  const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
  // The driver's WriteError has `code`; Mongoose's insertMany hands them on as `{ err, index }`.
  const codeOf = (e: unknown) => (e as { code?: number }).code ?? (e as { err?: { code?: number } }).err?.code;
  return list.length > 0 && list.every((e) => codeOf(e) === 11000);
}

const purchaseRef = (purchase: Pick<Purchase, 'purchaseRef'>) => `purchase:${purchase.purchaseRef}`;
