import { Injectable } from '@nestjs/common';
import { DomainEventMap } from '../common/domain-event-map';
import { OnDomainEvent } from '../common/domain-events';
import { ConnectionsService } from './connections.service';

/** How connections and battles follow the lives' life. */
@Injectable()
export class BattleReactions {
  constructor(private readonly connections: ConnectionsService) {}

  /**
   * Awaited by the live's end: its connection ends and its side forfeits a battle in progress.
   * The battle's own end (waiting for its last gifts) goes on without holding the live's end.
   */
  @OnDomainEvent('live.ended')
  onLiveEnded({ live }: DomainEventMap['live.ended']): Promise<void> {
    return this.connections.endForLive(live.id);
  }
}
