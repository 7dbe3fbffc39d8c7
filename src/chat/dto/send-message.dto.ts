import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';
import { MAX_MESSAGE_CHARACTERS } from '../chat-text';

/** POST /live/:id/message. The text's own rules (trim, 1..500 characters, no control characters) are in chat-text.ts. */
export class SendMessageDto {
  @ApiProperty({
    example: 'Hello everyone!',
    minLength: 1,
    maxLength: MAX_MESSAGE_CHARACTERS,
    description: `Trimmed, then 1..${MAX_MESSAGE_CHARACTERS} characters; no control characters`,
  })
  @IsString()
  @MaxLength(4000) // a cheap bound before the exact rule
  text!: string;

  @ApiPropertyOptional({
    example: 'c1f7b9e2-0d3a-4c55-9a61-2b8f3e4d5a6b',
    description:
      'Makes retries idempotent: the same id from the same sender in the same live returns the first message',
  })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^[\w.:-]{1,64}$/, { message: 'clientMessageId must be 1..64 letters, digits, or . _ : -' })
  clientMessageId?: string;
}
