import { ApiProperty } from '@nestjs/swagger';

/**
 * The two fields every event sent to a live's room carries (and `live:ended`): the event's place in
 * the room's sequence, and the sequence's epoch. Payload classes leave them out; the AsyncAPI
 * document adds them to every numbered event, and the broadcaster adds them to what it sends.
 */
export class RoomEventStamp {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 42,
    description: "The event's number in the live's room: 1 for the first, +1 for each next one, gap-free",
  })
  seq!: number;

  @ApiProperty({
    example: 'e1j5q0x2',
    description: 'Changes whenever the server lost its count: a client that sees a new epoch joins again',
  })
  epoch!: string;
}
