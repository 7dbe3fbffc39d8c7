import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { TargetUserDto } from '../../streams/dto/target-user.dto';

/** POST /live/:id/chat/mute. The duration is capped by CHAT_MUTE_MAX_MS. */
export class MuteUserDto extends TargetUserDto {
  @ApiPropertyOptional({
    type: 'integer',
    example: 600000,
    description: 'Milliseconds; CHAT_MUTE_DEFAULT_MS when left out',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1000)
  durationMs?: number;
}

export class ChatMuteView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ example: true }) muted!: boolean;
  @ApiProperty({
    example: '2026-11-24T20:15:00.000Z',
    nullable: true,
    type: String,
    description: 'Muted until then; null once unmuted',
  })
  until!: string | null;
}
