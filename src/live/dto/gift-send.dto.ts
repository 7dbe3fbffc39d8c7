import { IntersectionType } from '@nestjs/swagger';
import { SendGiftDto } from '../../gifts/dto/send-gift.dto';
import { LiveRefDto } from './live-ref.dto';

/** `live:gift:send`: `{ liveStreamId, giftId, count, receiverId?, idempotencyKey }` (same rules as REST). */
export class GiftSendDto extends IntersectionType(LiveRefDto, SendGiftDto) {}
