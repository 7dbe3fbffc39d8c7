import { ApiProperty } from '@nestjs/swagger';
import { GiftEventView } from '../../gifts/dto/gift-result.view';

/** The settled gift's fields, flat, with the live's new totals. */
export class LiveGiftEvent extends GiftEventView {
  @ApiProperty({ type: 'integer', example: 5200, description: "The live's diamond total after this gift" })
  liveDiamonds!: number;
  @ApiProperty({ type: 'integer', example: 17, description: "The live's gift items after this gift" })
  liveGiftCount!: number;
  @ApiProperty({
    type: 'integer',
    example: 2,
    nullable: true,
    description: "The sender's new rank among the live's gifters, only when this gift changed it",
  })
  senderRank!: number | null;
}
