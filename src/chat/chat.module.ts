import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StreamsModule } from '../streams/streams.module';
import { ViewersModule } from '../viewers/viewers.module';
import { ChatMutesService } from './chat-mutes.service';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';
import { ChatMute, ChatMuteSchema } from './schemas/chat-mute.schema';
import { LiveMessage, LiveMessageSchema } from './schemas/live-message.schema';

@Module({
  imports: [
    StreamsModule,
    ViewersModule,
    MongooseModule.forFeature([
      { name: LiveMessage.name, schema: LiveMessageSchema },
      { name: ChatMute.name, schema: ChatMuteSchema },
    ]),
  ],
  controllers: [ChatController],
  providers: [ChatService, ChatMutesService],
  exports: [ChatService, ChatMutesService],
})
export class ChatModule {}
