import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { PendingReactionsSweeper } from './pending-reactions.sweeper';
import { LiveStream, LiveStreamSchema } from './schemas/live-stream.schema';
import { StreamsController } from './streams.controller';
import { StreamsService } from './streams.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: LiveStream.name, schema: LiveStreamSchema }])],
  controllers: [StreamsController],
  providers: [StreamsService, PendingReactionsSweeper],
  exports: [StreamsService],
})
export class StreamsModule {}
