import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull, PartialDto } from '../../common/optional-fields';
import { ANIMATION_TYPES, AnimationType } from '../schemas/gift.schema';

export class GiftAnimationDto {
  @ApiProperty({ enum: ANIMATION_TYPES, example: 'svga' })
  @IsIn(ANIMATION_TYPES)
  type!: AnimationType;

  @ApiPropertyOptional({
    example: 'https://cdn.example.com/gifts/crown.svga',
    description: "Required unless type is 'none'",
  })
  @ValidateIf((o: GiftAnimationDto) => o.type !== 'none' || o.url !== undefined)
  @IsUrl({ require_protocol: true, protocols: ['https', 'http'] })
  url?: string;
}

export class CreateGiftDto {
  @ApiPropertyOptional({
    description: 'Stable key, unique in the catalog (e.g. crown); generated from the name when left out',
  })
  @IsOptionalNotNull()
  @Matches(/^[a-z0-9][a-z0-9-]{0,47}$/, { message: 'key: lowercase letters, digits and dashes (1-48)' })
  key?: string;

  @ApiProperty({ example: 'Crown' })
  @IsString()
  @Length(1, 48)
  name!: string;

  @ApiProperty({ type: 'integer', example: 299 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  priceCoins!: number;

  @ApiProperty({ type: 'integer', example: 299 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  diamondValue!: number;

  @ApiProperty({ example: 'premium' })
  @IsString()
  @Length(1, 32)
  category!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: -1_000_000, maximum: 1_000_000, example: 110, default: 0 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(-1_000_000)
  @Max(1_000_000)
  sortOrder?: number;

  @ApiPropertyOptional({ example: 'https://cdn.example.com/gifts/crown.png' })
  @IsOptionalNotNull()
  @IsUrl({ require_protocol: true, protocols: ['https', 'http'] })
  iconUrl?: string;

  @ApiPropertyOptional({ type: GiftAnimationDto })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => GiftAnimationDto)
  animation?: GiftAnimationDto;

  @ApiPropertyOptional({ example: true, default: true })
  @IsOptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

/** PATCH: any field of a gift; a field left out keeps its value, null is refused. */
export class UpdateGiftDto extends PartialDto(CreateGiftDto) {}

/** Request examples. They leave out `key`, which must be unique in the catalog (one is generated). */
export const CREATE_GIFT_EXAMPLES = {
  svga: {
    summary: 'A premium gift with an SVGA animation',
    value: {
      name: 'Golden crown',
      priceCoins: 299,
      diamondValue: 299,
      category: 'premium',
      sortOrder: 110,
      iconUrl: 'https://cdn.example.com/gifts/golden-crown.png',
      animation: { type: 'svga', url: 'https://cdn.example.com/gifts/golden-crown.svga' },
    },
  },
  plain: {
    summary: 'A classic gift without animation',
    value: { name: 'Daisy', priceCoins: 1, diamondValue: 1, category: 'classic', animation: { type: 'none' } },
  },
} satisfies Record<string, { summary: string; value: CreateGiftDto }>;

export const UPDATE_GIFT_EXAMPLES = {
  price: {
    summary: 'Change the price (gifts already sent keep theirs)',
    value: { priceCoins: 399, diamondValue: 399 },
  },
  panel: { summary: 'Move it in the panel', value: { sortOrder: 5 } },
} satisfies Record<string, { summary: string; value: UpdateGiftDto }>;
