import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { StreamsModule } from '../streams/streams.module';
import { ViewersModule } from '../viewers/viewers.module';
import { AudioChatUser, AudioChatUserSchema } from './schemas/audio-chat-user.schema';
import { SeatTicket, SeatTicketSchema } from './schemas/seat-ticket.schema';
import { SeatReactions } from './seat-reactions';
import { SeatStore } from './seat-store';
import { SeatTicketsService } from './seat-tickets.service';
import { SeatsController } from './seats.controller';
import { SeatsService } from './seats.service';

@Module({
  imports: [
    StreamsModule,
    ViewersModule,
    MongooseModule.forFeature([
      { name: AudioChatUser.name, schema: AudioChatUserSchema },
      { name: SeatTicket.name, schema: SeatTicketSchema },
    ]),
  ],
  controllers: [SeatsController],
  providers: [SeatStore, SeatsService, SeatTicketsService, SeatReactions],
  exports: [SeatsService, SeatTicketsService],
})
export class SeatsModule {}
