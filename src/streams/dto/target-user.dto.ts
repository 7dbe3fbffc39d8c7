import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class TargetUserDto {
  @ApiProperty({ example: 'bob', description: 'The user id (token subject) acted on' })
  @IsString()
  @Length(1, 128)
  targetUserId!: string;
}
