import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { RtcModule } from '../rtc/rtc.module';
import { StreamsModule } from '../streams/streams.module';
import { BattleReactions } from './battle-reactions';
import { BattleScores } from './battle-scores';
import { BattleSweeper } from './battle.sweeper';
import { BattlesController } from './battles.controller';
import { BattlesService } from './battles.service';
import { ConnectionStore } from './connection-store';
import { ConnectionsController } from './connections.controller';
import { ConnectionsService } from './connections.service';
import { Battle, BattleSchema } from './schemas/battle.schema';
import {
  ConnectionClaim,
  ConnectionClaimSchema,
  LiveConnection,
  LiveConnectionSchema,
} from './schemas/live-connection.schema';

/** Connections between lives and PK battles. The gifts module feeds the scores (BattleScores); this module imports no gifts. */
@Module({
  imports: [
    StreamsModule,
    RtcModule,
    MongooseModule.forFeature([
      { name: LiveConnection.name, schema: LiveConnectionSchema },
      { name: ConnectionClaim.name, schema: ConnectionClaimSchema },
      { name: Battle.name, schema: BattleSchema },
    ]),
  ],
  controllers: [ConnectionsController, BattlesController],
  providers: [ConnectionStore, ConnectionsService, BattlesService, BattleScores, BattleReactions, BattleSweeper],
  exports: [ConnectionsService, BattlesService, BattleScores],
})
export class BattlesModule {}
