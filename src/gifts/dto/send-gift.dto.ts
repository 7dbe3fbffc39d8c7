import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsString, Length, Matches } from 'class-validator';
import { OBJECT_ID_SCHEMA } from '../../common/object-id.pipe';
import { IsOptionalNotNull } from '../../common/optional-fields';

/** The counts a client may send at once (the gift panel's buttons). */
export const GIFT_COUNTS = [1, 10, 66, 99, 520, 999] as const;

export class SendGiftDto {
  @ApiProperty({ ...OBJECT_ID_SCHEMA, example: '665f1c2e8a1b2c3d4e5f6a90', description: 'A gift of the catalog' })
  @IsMongoId({ message: 'giftId must be a valid id (24 hex characters)' })
  giftId!: string;

  @ApiProperty({ type: 'integer', enum: GIFT_COUNTS, example: 1, description: `One of ${GIFT_COUNTS.join(', ')}` })
  @IsIn(GIFT_COUNTS, { message: `count must be one of ${GIFT_COUNTS.join(', ')}` })
  count!: number;

  @ApiPropertyOptional({
    example: 'alice',
    description: 'The host when left out; a co-host or (party/audio) a seated speaker',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 128)
  receiverId?: string;

  @ApiProperty({
    example: '6f1d0c52-3c1e-4a9e-9b3a-0d6c2f4e8a11',
    description: 'Made by the client per gift; a retry with the same key answers the first result and moves no coin',
  })
  @IsString()
  @Length(8, 128)
  @Matches(/^[\w.:-]+$/, { message: 'idempotencyKey may contain letters, digits and _ . : - only' })
  idempotencyKey!: string;
}
