import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';

export class CreditCoinsDto {
  @ApiProperty({ example: 'alice', description: 'The user whose wallet receives the coins' })
  @IsString()
  @Length(1, 128)
  userId!: string;

  @ApiProperty({ type: 'integer', example: 600, minimum: 1, maximum: 10_000_000 })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  coins!: number;

  @ApiProperty({
    example: 'gp-order-3381-2026-11-24',
    description: 'The verified purchase (store order id): the same reference is credited once',
  })
  @IsString()
  @Length(1, 200)
  @Matches(/^[\w.:\-/]+$/, { message: 'purchaseRef may contain letters, digits and _ . : - / only' })
  purchaseRef!: string;
}
