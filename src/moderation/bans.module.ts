import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BansService } from './bans.service';
import { Ban, BanSchema } from './schemas/ban.schema';

/**
 * The ban lookup, on its own and global: the auth guard, the socket handshake and the live's
 * creation read it, and it depends on nothing but its collection (no import cycle with the
 * modules the moderation module acts through).
 */
@Global()
@Module({
  imports: [MongooseModule.forFeature([{ name: Ban.name, schema: BanSchema }])],
  providers: [BansService],
  exports: [BansService],
})
export class BansModule {}
