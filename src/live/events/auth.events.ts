import { ApiProperty } from '@nestjs/swagger';

export class AuthExpiredEvent {
  @ApiProperty({ enum: ['TOKEN_EXPIRED'], example: 'TOKEN_EXPIRED' }) code!: 'TOKEN_EXPIRED';
  @ApiProperty({ example: 'Your access token expired; reconnect with a new one.' }) message!: string;
}
