import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, IsUrl, Length, Max, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/optional-fields';

export class DevTokenRequest {
  @ApiProperty({ example: 'alice', description: 'User id (the token subject)' })
  @IsString()
  @Length(1, 128)
  sub!: string;

  @ApiPropertyOptional({ example: 'Alice' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 64)
  name?: string;

  @ApiPropertyOptional({ example: 'https://example.com/alice.png' })
  @IsOptionalNotNull()
  @IsUrl()
  avatar?: string;

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    example: 12345,
    description: 'RTC uid; derived from sub when absent',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(0xffffffff)
  uid?: number;

  @ApiPropertyOptional({ example: false })
  @IsOptionalNotNull()
  @IsBoolean()
  admin?: boolean;

  @ApiPropertyOptional({ type: 'integer', example: 3600, description: 'Lifetime in seconds (default 1 day)' })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(30 * 24 * 3600)
  expiresInSeconds?: number;
}

export class DevTokenResponse {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  token!: string;
}
