import type { CLIENT_EVENTS, SERVER_EVENTS } from './event-catalogue';
import type { RoomEventStamp } from './events/room-event-stamp';

/*
 * The TypeScript side of the event catalogue: every type here is read from event-catalogue.ts, so
 * a payload declared there is the type the gateway emits, with nothing to keep in step by hand.
 */

export { LiveSnapshot, LiveJoinAck, JoinerState } from './events/join-ack';
export { UserSummary } from './events/viewers.events';

type ServerCatalogue = typeof SERVER_EVENTS;
type ClientCatalogue = typeof CLIENT_EVENTS;

export type ServerEventName = keyof ServerCatalogue;
/** An event's payload as the services build it (the broadcaster adds seq and epoch to numbered events). */
export type ServerEventPayload<E extends ServerEventName> = InstanceType<ServerCatalogue[E]['payload']>;

/** Every server -> client event and its payload (Socket.IO's typed emits). */
export type ServerToClientEvents = { [E in ServerEventName]: (payload: ServerEventPayload<E>) => void };

/** The events that carry the room's seq and epoch. */
export type NumberedEventName = {
  [E in ServerEventName]: ServerCatalogue[E] extends { numbered: false }
    ? never
    : ServerCatalogue[E] extends { receivers: 'live room' } | { numbered: true }
      ? E
      : never;
}[ServerEventName];

/** A numbered event as a client receives it. */
export type NumberedEvent<E extends NumberedEventName> = ServerEventPayload<E> & RoomEventStamp;

/** The numbered events sent to a live's room (what the live:join ack replays, what a live:frame holds). */
export type RoomEventName = {
  [E in ServerEventName]: ServerCatalogue[E] extends { numbered: false }
    ? never
    : ServerCatalogue[E] extends { receivers: 'live room' }
      ? E
      : never;
}[ServerEventName];

/** A room event as the live:join ack replays it. */
export type MissedEvent = { [E in RoomEventName]: { event: E; data: NumberedEvent<E> } }[RoomEventName];

export type ClientEventName = keyof ClientCatalogue;
export type ClientEventPayload<E extends ClientEventName> = InstanceType<ClientCatalogue[E]['payload']>;

type AckEntry<E extends ClientEventName> = ClientCatalogue[E]['acks'][number];
type AckData<T> = T extends { data: new (...args: never[]) => infer D }
  ? D | (T extends { nullable: true } ? null : never)
  : never;

/** What `data` holds in a successful ack of E (of E's `action` A, where acks differ per action). */
export type ClientEventAck<E extends ClientEventName, A extends string = string> = AckData<
  AckEntry<E> extends infer T ? (T extends { actions: readonly (infer X)[] } ? (A extends X ? T : never) : T) : never
>;
