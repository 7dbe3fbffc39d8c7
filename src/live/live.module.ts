import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { SeatsModule } from '../seats/seats.module';
import { GiftsModule } from '../gifts/gifts.module';
import { StreamsModule } from '../streams/streams.module';
import { ViewersModule } from '../viewers/viewers.module';
import { LiveGauges } from './live-gauges';
import { LiveGateway } from './live.gateway';

@Module({
  imports: [StreamsModule, ViewersModule, ChatModule, SeatsModule, GiftsModule],
  providers: [LiveGateway, LiveGauges],
})
export class LiveModule {}
