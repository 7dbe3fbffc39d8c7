import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';

export const PAGE_DIRECTIONS = ['older', 'newer'] as const;
export type PageDirection = (typeof PAGE_DIRECTIONS)[number];
export const MAX_MESSAGE_PAGE = 100;

/**
 * GET /live/:id/messages. Without a cursor: `older` (default) starts at the newest message,
 * `newer` at the oldest. A cursor carries its own direction; `direction` must then match it or be left out.
 */
export class ListMessagesQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_MESSAGE_PAGE, default: 30, example: 30 })
  @IsOptionalNotNull()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_MESSAGE_PAGE)
  limit = 30;

  @ApiPropertyOptional({ description: 'nextCursor or prevCursor of a page of this live; left out: the first page' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ enum: PAGE_DIRECTIONS, example: 'older' })
  @IsOptionalNotNull()
  @IsIn(PAGE_DIRECTIONS)
  direction?: PageDirection;
}
