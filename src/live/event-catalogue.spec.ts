import { MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { HOST_ACTIONS } from './dto/host-action.dto';
import { SEAT_UPDATE_ACTIONS } from './dto/seat-update.dto';
import { CLIENT_EVENTS, SERVER_EVENTS } from './event-catalogue';
import { AckDoc } from './event-schema';
import { LiveGateway } from './live.gateway';

/** The names the gateway answers, read from its @SubscribeMessage decorators. */
function subscribedEvents(): string[] {
  const proto = LiveGateway.prototype;
  return Object.getOwnPropertyNames(proto)
    .map((name) => Object.getOwnPropertyDescriptor(proto, name)?.value as unknown)
    .filter((method): method is object => typeof method === 'function')
    .map((method) => Reflect.getMetadata(MESSAGE_METADATA, method) as unknown)
    .filter((event): event is string => typeof event === 'string');
}

/** Each action and the number of ack shapes that claim it. */
function claims(acks: readonly AckDoc[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const action of acks.flatMap((ack) => ack.actions ?? [])) counts[action] = (counts[action] ?? 0) + 1;
  return counts;
}

describe('event catalogue (source of the AsyncAPI document)', () => {
  it('documents every client event the gateway handles, and nothing it does not', () => {
    const handled = subscribedEvents();
    expect(handled.length).toBeGreaterThan(0);
    expect(Object.keys(CLIENT_EVENTS).sort()).toEqual([...handled].sort());
  });

  it('describes every event with a summary, a module and a payload class', () => {
    for (const [event, doc] of [...Object.entries(CLIENT_EVENTS), ...Object.entries(SERVER_EVENTS)]) {
      expect({
        event,
        summary: Boolean(doc.summary),
        module: Boolean(doc.module),
        payload: typeof doc.payload,
      }).toEqual({ event, summary: true, module: true, payload: 'function' });
    }
  });

  it('gives every host action and every seat action exactly one ack shape', () => {
    const once = (actions: readonly string[]) => Object.fromEntries(actions.map((action) => [action, 1]));
    expect(claims(CLIENT_EVENTS['live:host:action'].acks)).toEqual(once(HOST_ACTIONS));
    expect(claims(CLIENT_EVENTS['live:seat:update'].acks)).toEqual(once(SEAT_UPDATE_ACTIONS));
  });

  it('has one ack shape for every other client event', () => {
    const single = Object.entries(CLIENT_EVENTS)
      .filter(([event]) => event !== 'live:host:action' && event !== 'live:seat:update')
      .map(([event, doc]) => [event, doc.acks.length, doc.acks.some((ack: AckDoc) => ack.actions)]);
    expect(single.every(([, count, perAction]) => count === 1 && !perAction)).toBe(true);
  });
});
