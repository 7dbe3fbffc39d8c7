import { Injectable } from '@nestjs/common';
import { AuthUser } from '../auth/auth-user';
import { BattlesService } from '../battles/battles.service';
import { ConnectionsService } from '../battles/connections.service';
import { BattleView } from '../battles/dto/battle.view';
import { ConnectionView } from '../battles/dto/connection.view';
import { BattleAction, BattleActionDto, ConnectionAction, ConnectionActionDto } from './dto/battle-actions.dto';
import { required } from './live-actions';

type Handler<B, R> = (user: AuthUser, body: B) => Promise<R>;

/** live:connection:action and live:battle:action: each action is the same service call its REST route makes. */
@Injectable()
export class BattleActions {
  private readonly connectionActions: Record<ConnectionAction, Handler<ConnectionActionDto, ConnectionView>>;
  private readonly battleActions: Record<BattleAction, Handler<BattleActionDto, BattleView>>;

  constructor(connections: ConnectionsService, battles: BattlesService) {
    const connection = (b: ConnectionActionDto) => required(b.connectionId, 'connectionId', b.action);
    this.connectionActions = {
      invite: (user, b) => connections.invite(b.liveStreamId, user, required(b.targetLiveId, 'targetLiveId', b.action)),
      accept: (user, b) => connections.accept(b.liveStreamId, user, connection(b)),
      reject: (user, b) => connections.reject(b.liveStreamId, user, connection(b)),
      end: (user, b) => connections.end(b.liveStreamId, user, connection(b)),
    };
    this.battleActions = {
      start: (user, b) =>
        battles.start(b.liveStreamId, user, {
          durationMs: required(b.durationMs, 'durationMs', b.action),
          punishmentMs: b.punishmentMs,
        }),
      end: (user, b) => battles.endByHost(b.liveStreamId, user, required(b.battleId, 'battleId', b.action)),
    };
  }

  connection(user: AuthUser, body: ConnectionActionDto): Promise<ConnectionView> {
    return this.connectionActions[body.action](user, body);
  }

  battle(user: AuthUser, body: BattleActionDto): Promise<BattleView> {
    return this.battleActions[body.action](user, body);
  }
}
