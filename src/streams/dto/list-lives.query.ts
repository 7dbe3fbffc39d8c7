import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { PageQuery } from '../../common/pagination';
import { LIVE_TYPES, LiveType } from '../schemas/live-stream.schema';

export class ListLivesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LIVE_TYPES, example: 'party' })
  @IsOptionalNotNull()
  @IsIn(LIVE_TYPES)
  liveType?: LiveType;
}
