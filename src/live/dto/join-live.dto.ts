import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { LiveRefDto } from './live-ref.dto';

/** live:join: enter the live's room; with `sinceSeq`, also catch up on the room events missed since. */
export class JoinLiveDto extends LiveRefDto {
  @ApiProperty({
    required: false,
    example: 41,
    minimum: 0,
    type: 'integer',
    description:
      "The last room event's seq this client applied; the ack then lists what came after (missed) or asks to resync",
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(0)
  sinceSeq?: number;

  @ApiProperty({
    required: false,
    example: 'r-mkx3b1-4f2a9c',
    description: 'The epoch of that seq: when the server counts under another epoch, the ack asks to resync',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 64)
  epoch?: string;
}
