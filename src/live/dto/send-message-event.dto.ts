import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { LiveRefDto } from './live-ref.dto';

/** live:message:send: the same fields as POST /live/:id/message, plus the live's id. */
export class SendMessageEventDto extends LiveRefDto {
  @ApiProperty({ example: 'Hello everyone!' })
  @IsString()
  @MaxLength(4000)
  text!: string;

  @ApiPropertyOptional({ example: 'c1f7b9e2-0d3a-4c55-9a61-2b8f3e4d5a6b' })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^[\w.:-]{1,64}$/, { message: 'clientMessageId must be 1..64 letters, digits, or . _ : -' })
  clientMessageId?: string;
}
