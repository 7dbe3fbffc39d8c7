import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BattlesModule } from '../battles/battles.module';
import { SeatsModule } from '../seats/seats.module';
import { SeatsService } from '../seats/seats.service';
import { StreamsModule } from '../streams/streams.module';
import { ViewersModule } from '../viewers/viewers.module';
import { WalletModule } from '../wallet/wallet.module';
import { GiftCatalogController } from './gift-catalog.controller';
import { GiftCatalogService } from './gift-catalog.service';
import { GiftLeaderboardService } from './gift-leaderboard.service';
import { GIFT_RECEIVER_POLICY, LiveRolesReceiverPolicy, SEAT_OCCUPANCY } from './gift-receiver.policy';
import { GiftReactions } from './gift-reactions';
import { GiftRecoverySweeper } from './gift-recovery.sweeper';
import { GiftSettlementService } from './gift-settlement.service';
import { GiftsController } from './gifts.controller';
import { GiftsService } from './gifts.service';
import { Gift, GiftSchema } from './schemas/gift.schema';
import { GiftSender, GiftSenderSchema } from './schemas/gift-sender.schema';
import { GiftSent, GiftSentSchema } from './schemas/gift-sent.schema';

@Module({
  imports: [
    StreamsModule,
    ViewersModule,
    SeatsModule,
    WalletModule,
    // Battles score from the settlement; the battles module imports nothing of gifts.
    BattlesModule,
    MongooseModule.forFeature([
      { name: Gift.name, schema: GiftSchema },
      { name: GiftSent.name, schema: GiftSentSchema },
      { name: GiftSender.name, schema: GiftSenderSchema },
    ]),
  ],
  controllers: [GiftCatalogController, GiftsController],
  providers: [
    GiftsService,
    GiftCatalogService,
    GiftSettlementService,
    GiftLeaderboardService,
    GiftRecoverySweeper,
    GiftReactions,
    // Seated speakers of party and audio lives receive gifts too.
    { provide: SEAT_OCCUPANCY, useExisting: SeatsService },
    { provide: GIFT_RECEIVER_POLICY, useClass: LiveRolesReceiverPolicy },
  ],
  exports: [GiftsService, GiftLeaderboardService],
})
export class GiftsModule {}
