import { Module } from '@nestjs/common';
import { GiftsModule } from '../gifts/gifts.module';
import { StreamsModule } from '../streams/streams.module';
import { ViewersModule } from '../viewers/viewers.module';
import { LiveGateway } from './live.gateway';

@Module({ imports: [StreamsModule, ViewersModule, GiftsModule], providers: [LiveGateway] })
export class LiveModule {}
