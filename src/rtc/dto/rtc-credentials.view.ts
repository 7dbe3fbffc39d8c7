import { ApiProperty } from '@nestjs/swagger';

export const RTC_ROLES = ['publisher', 'subscriber'] as const;
export type RtcRole = (typeof RTC_ROLES)[number];

/** What the app needs to join the live's media channel. */
export class RtcCredentialsView {
  @ApiProperty({ enum: ['agora', 'zegocloud'], example: 'agora' }) provider!: 'agora' | 'zegocloud';
  @ApiProperty({
    example: '0123456789abcdef0123456789abcdef',
    nullable: true,
    type: String,
    description: 'Agora app id; null for ZEGOCLOUD lives (the app has its own)',
  })
  appId!: string | null;
  @ApiProperty({ example: 'lv_k3j9x0a7qz2m', description: "The live's streaming channel" }) channel!: string;
  @ApiProperty({ example: 'call_p8d2m4t6w1', description: "The live's call id (ZEGOCLOUD kits)" }) callId!: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 2873461234, description: "The caller's numeric RTC uid" })
  uid!: number;
  @ApiProperty({ example: 'alice', description: "The caller's user id (ZEGOCLOUD kits use it as their user id)" })
  userId!: string;
  @ApiProperty({
    example: '007eJxTYBBb...',
    nullable: true,
    type: String,
    description: 'Agora RTC token; null for ZEGOCLOUD lives, whose prebuilt kits sign on the client',
  })
  token!: string | null;
  @ApiProperty({ enum: RTC_ROLES, example: 'publisher', description: 'publisher: host, co-hosts and seated speakers' })
  role!: RtcRole;
  @ApiProperty({
    example: '2026-11-24T20:10:00.000Z',
    nullable: true,
    type: String,
    description: 'Renew through the same endpoint before this',
  })
  expiresAt!: string | null;
}
