import { Module } from '@nestjs/common';
import { BattlesModule } from '../battles/battles.module';
import { ChatModule } from '../chat/chat.module';
import { SeatsModule } from '../seats/seats.module';
import { GiftsModule } from '../gifts/gifts.module';
import { StreamsModule } from '../streams/streams.module';
import { ViewersModule } from '../viewers/viewers.module';
import { BattleActions } from './battle-actions';
import { AdminFeed } from './admin-feed';
import { BanEnforcer } from './ban-enforcer';
import { LiveActions } from './live-actions';
import { LiveBroadcaster } from './live-broadcaster';
import { LiveGauges } from './live-gauges';
import { LiveRelay } from './live-relay';
import { LiveRooms } from './live-rooms';
import { LiveSnapshots } from './live-snapshots';
import { LiveGateway } from './live.gateway';
import { roomLogProvider } from './room-log/room-log.provider';

@Module({
  imports: [StreamsModule, ViewersModule, ChatModule, SeatsModule, GiftsModule, BattlesModule],
  providers: [
    LiveGateway,
    LiveBroadcaster,
    LiveRelay,
    LiveRooms,
    LiveSnapshots,
    LiveActions,
    BattleActions,
    LiveGauges,
    roomLogProvider,
    // trust and safety
    BanEnforcer,
    AdminFeed,
  ],
})
export class LiveModule {}
