import { ApiProperty } from '@nestjs/swagger';
import { IsMongoId } from 'class-validator';

/** `{ liveStreamId }`: the payload of live:join and live:leave, and the base of every live event. */
export class LiveRefDto {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' })
  @IsMongoId({ message: 'liveStreamId must be a valid id (24 hex characters)' })
  liveStreamId!: string;
}
