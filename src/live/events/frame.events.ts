import { ApiProperty } from '@nestjs/swagger';
import type { MissedEvent } from '../client-events';
import { RoomEventEntry } from './join-ack';

/** Several room events of a busy big room, sent together to a socket that accepts frames. */
export class LiveFrameEvent {
  @ApiProperty({
    type: [RoomEventEntry],
    description:
      'Two or more room events in their order, each exactly as it would have been sent alone, with its own seq ' +
      'and epoch: apply each one as if it had arrived by itself',
  })
  events!: MissedEvent[];
}
