import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { GiftSettlementService } from './gift-settlement.service';
import { GiftSent } from './schemas/gift-sent.schema';

const POLL_MS = 25;

/** How gifts follow other modules' events. */
@Injectable()
export class GiftReactions {
  constructor(
    @InjectModel(GiftSent.name) private readonly sent: Model<GiftSent>,
    private readonly settlement: GiftSettlementService,
  ) {}

  /**
   * Awaited by a battle's end: returns once every gift recorded in its lives in [from, to) has
   * settled or failed, or at `until`. A gift whose settler is gone (its lease is over) is taken
   * over here rather than left to the recovery sweep, so it can still count.
   */
  @OnDomainEvent('battle.settling')
  async onBattleSettling({ liveIds, from, to, until }: DomainEventMap['battle.settling']): Promise<void> {
    const filter: QueryFilter<GiftSent> = {
      liveId: { $in: liveIds.map((id) => new Types.ObjectId(id)) },
      state: 'pending',
      createdAt: { $gte: from, $lt: to },
    };
    while (Date.now() < until.getTime()) {
      const pending = await this.sent.find(filter, { _id: 1, leaseUntil: 1 }).limit(100).lean();
      if (pending.length === 0) return;
      for (const gift of pending.filter((g) => g.leaseUntil.getTime() < Date.now())) {
        const claimed = await this.settlement.claimExpired(gift._id);
        if (claimed) await this.settlement.settle(claimed);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
