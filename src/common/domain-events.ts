import { Injectable } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import type { DomainEventMap } from './domain-event-map';

export type DomainEventName = keyof DomainEventMap & string;

/**
 * The internal event bus: services publish typed domain events here, other modules and the
 * LiveGateway react. A payload change is a compile error at every publisher and listener.
 */
@Injectable()
export class DomainEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  /** Fire and forget: listeners run, their errors are logged, the caller does not wait. */
  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  /** Waits for every listener: use when the response must already reflect the reactions. */
  async emitAsync<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    await this.emitter.emitAsync(name, payload);
  }
}

/** Typed `@OnEvent`: the handler's parameter must match the event's payload. */
export function OnDomainEvent<K extends DomainEventName>(name: K) {
  // Listeners run in the publisher's tick (emitAsync still awaits the promises they return).
  // EventEmitter2's `promisify` would defer each one with setImmediate, which halved the gateway's
  // fan-out throughput (bench:fanout, relay only). Errors are logged by Nest's wrapper, never thrown
  // into the publisher: sweeps repair what a failed reaction left.
  const decorate = OnEvent(name);
  return <T extends (payload: DomainEventMap[K]) => unknown>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ) => decorate(target, key, descriptor);
}
