import { MESSAGE_METADATA } from '@nestjs/websockets/constants';
import type { ServerEventName } from './client-events';
import { CLIENT_EVENTS, SERVER_EVENTS } from './event-catalogue';
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

describe('event catalogue (source of the AsyncAPI document)', () => {
  it('documents every client event the gateway handles, and nothing it does not', () => {
    const handled = subscribedEvents();
    expect(handled.length).toBeGreaterThan(0);
    expect(Object.keys(CLIENT_EVENTS).sort()).toEqual([...handled].sort());
  });

  it('documents exactly the server events of ServerToClientEvents', () => {
    // Compile-time halves: SERVER_EVENTS is typed { [E in ServerEventName]: ... } (a missing key
    // fails tsc), and this line fails tsc when the catalogue lists a name the type does not have.
    const extra: Record<Exclude<keyof typeof SERVER_EVENTS, ServerEventName>, never> = {};
    expect(extra).toEqual({});
    expect(Object.keys(SERVER_EVENTS).length).toBeGreaterThan(0);
  });

  it('describes every event with a summary, a module and a payload', () => {
    for (const [event, doc] of [...Object.entries(CLIENT_EVENTS), ...Object.entries(SERVER_EVENTS)]) {
      expect({
        event,
        summary: Boolean(doc.summary),
        module: Boolean(doc.module),
        payload: Boolean(doc.payload),
      }).toEqual({
        event,
        summary: true,
        module: true,
        payload: true,
      });
    }
  });
});
