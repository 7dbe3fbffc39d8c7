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
  @ApiPropertyOptional({ example: 'crown', description: 'Stable key; generated from the name when left out' })
  @IsOptionalNotNull()
  @Matches(/^[a-z0-9][a-z0-9-]{0,47}$/, { message: 'key: lowercase letters, digits and dashes (1-48)' })
  key?: string;

  @ApiProperty({ example: 'Crown' })
  @IsString()
  @Length(1, 48)
  name!: string;

  @ApiProperty({ example: 299 })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  priceCoins!: number;

  @ApiProperty({ example: 299 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  diamondValue!: number;

  @ApiProperty({ example: 'premium' })
  @IsString()
  @Length(1, 32)
  category!: string;

  @ApiPropertyOptional({ example: 110, default: 0 })
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
