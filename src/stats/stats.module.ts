import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StreamsModule } from '../streams/streams.module';
import { LiveMinute, LiveMinuteSchema } from './schemas/live-minute.schema';
import { StatsController } from './stats.controller';
import { StatsRecorder } from './stats-recorder';
import { StatsService } from './stats.service';

/** Statistics over time: per live and minute, and a host's lives. */
@Module({
  imports: [StreamsModule, MongooseModule.forFeature([{ name: LiveMinute.name, schema: LiveMinuteSchema }])],
  controllers: [StatsController],
  providers: [StatsRecorder, StatsService],
  exports: [StatsRecorder],
})
export class StatsModule {}
