import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import { UpdateLiveDto } from '../../streams/dto/update-live.dto';
import { LiveRefDto } from './live-ref.dto';

export const LIVE_UPDATE_TYPES = ['title', 'cover', 'settings', 'info'] as const;

/** live:update: `updateType` names what changes; `updateData` holds the same fields as PATCH /live/:id. */
export class LiveUpdateDto extends LiveRefDto {
  @ApiProperty({ enum: LIVE_UPDATE_TYPES, example: 'title' })
  @IsIn(LIVE_UPDATE_TYPES)
  updateType!: (typeof LIVE_UPDATE_TYPES)[number];

  @ApiProperty({ type: UpdateLiveDto })
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateLiveDto)
  updateData!: UpdateLiveDto;
}
