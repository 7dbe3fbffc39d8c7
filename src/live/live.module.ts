import { Module } from '@nestjs/common';
import { StreamsModule } from '../streams/streams.module';
import { ViewersModule } from '../viewers/viewers.module';
import { LiveGauges } from './live-gauges';
import { LiveGateway } from './live.gateway';

@Module({ imports: [StreamsModule, ViewersModule], providers: [LiveGateway, LiveGauges] })
export class LiveModule {}
