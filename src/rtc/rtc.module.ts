import { Module } from '@nestjs/common';
import { SeatsModule } from '../seats/seats.module';
import { StreamsModule } from '../streams/streams.module';
import { RtcController } from './rtc.controller';
import { RtcService } from './rtc.service';

@Module({
  imports: [StreamsModule, SeatsModule],
  controllers: [RtcController],
  providers: [RtcService],
  exports: [RtcService],
})
export class RtcModule {}
