import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { LIVE_TYPES, LiveType } from '../schemas/live-stream.schema';

export class ListLivesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LIVE_TYPES, example: 'party' })
  @IsOptional()
  @IsIn(LIVE_TYPES)
  liveType?: LiveType;
}
