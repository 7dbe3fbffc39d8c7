import { ApiProperty } from '@nestjs/swagger';
import { BattleView } from '../../battles/dto/battle.view';
import { ConnectionView } from '../../battles/dto/connection.view';
import { LIVE_ID_EXAMPLE } from './examples';

/** A connection as one of its two lives sees it (each room gets its own copy). */
export class LiveConnectionEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE, description: 'The live whose room (or host) receives it' })
  liveStreamId!: string;
  @ApiProperty({ type: ConnectionView }) connection!: ConnectionView;
}

/** A battle as one of its two lives sees it (each room gets its own copy). */
export class LiveBattleEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ type: BattleView }) battle!: BattleView;
}

export class BattleSideScore {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveId!: string;
  @ApiProperty({ type: 'integer', example: 5200, description: 'Diamonds counted for this side so far' })
  score!: number;
}

export class LiveBattleScoreEvent {
  @ApiProperty({ example: LIVE_ID_EXAMPLE }) liveStreamId!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6c20' }) battleId!: string;
  @ApiProperty({ type: 'integer', example: 42, description: 'Drop a score whose version is not above the one shown' })
  version!: number;
  @ApiProperty({ type: [BattleSideScore], description: 'Both sides, absolute' }) scores!: BattleSideScore[];
  @ApiProperty({ example: '2026-11-24T20:03:12.350Z' }) at!: string;
}
