import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StreamsModule } from '../streams/streams.module';
import { LiveStatisticsService } from './live-statistics.service';
import { PresenceSweeper } from './presence.sweeper';
import { PresenceTicker } from './presence.ticker';
import { ViewerCountRepair } from './viewer-count.repair';
import { LiveViewer, LiveViewerSchema } from './schemas/live-viewer.schema';
import { ViewersController } from './viewers.controller';
import { ViewersService } from './viewers.service';

@Module({
  imports: [StreamsModule, MongooseModule.forFeature([{ name: LiveViewer.name, schema: LiveViewerSchema }])],
  controllers: [ViewersController],
  providers: [ViewersService, LiveStatisticsService, PresenceSweeper, PresenceTicker, ViewerCountRepair],
  exports: [ViewersService, PresenceTicker],
})
export class ViewersModule {}
