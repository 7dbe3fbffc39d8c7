import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2, OnEvent } from '@nestjs/event-emitter';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import type { DomainEventMap } from './domain-event-map';

export type DomainEventName = keyof DomainEventMap & string;

/** One listener that threw (or rejected) while reacting to an event. */
export interface ReactionFailure {
  event: string;
  listener: string;
  error: unknown;
}

/**
 * What DomainEvents hands every listener beside the payload: where a failure goes, and the
 * test-only fault switch. Per application, so two apps in one process keep apart.
 */
interface ReactionContext {
  faults: ReadonlySet<string>;
  failed(failure: ReactionFailure): void;
}

/** Thrown by emitAsync once every listener has settled, when at least one of them failed. */
export class ReactionError extends Error {
  constructor(
    readonly event: string,
    readonly failures: ReactionFailure[],
  ) {
    super(`${failures.length} reaction(s) to ${event} failed: ${failures.map((f) => f.listener).join(', ')}`);
  }
}

/**
 * The internal event bus: services publish typed domain events here, other modules and the
 * LiveGateway react. A payload change is a compile error at every publisher and listener.
 *
 * No listener error is lost: each one is logged and counted (live_reaction_failures_total) where
 * it happens; emitAsync then rejects with a ReactionError so the publisher can fail its request.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  private readonly faults: ReadonlySet<string>;
  private readonly fireAndForget: ReactionContext;

  constructor(
    private readonly emitter: EventEmitter2,
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectMetric(METRIC.reactionFailures) private readonly failures: Counter<string>,
  ) {
    this.faults = new Set(config.reactions.faultEvents);
    this.fireAndForget = { faults: this.faults, failed: (failure) => this.record(failure) };
  }

  /** Fire and forget: listeners run, their errors are logged and counted, the caller does not wait. */
  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload, this.fireAndForget);
  }

  /**
   * Waits for every listener, failed or not: use when the response must already reflect the
   * reactions. Rejects with a ReactionError when any of them failed.
   */
  async emitAsync<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): Promise<void> {
    const failed: ReactionFailure[] = [];
    const context: ReactionContext = {
      faults: this.faults,
      failed: (failure) => {
        this.record(failure);
        failed.push(failure);
      },
    };
    await this.emitter.emitAsync(name, payload, context);
    if (failed.length > 0) throw new ReactionError(name, failed);
  }

  private record({ event, listener, error }: ReactionFailure): void {
    this.failures.inc({ event, listener });
    this.logger.error({ err: error, event, listener }, 'reaction to a domain event failed');
  }
}

/**
 * Typed `@OnEvent`: the handler's parameter must match the event's payload.
 *
 * Listeners run in the publisher's tick (emitAsync still awaits the promises they return).
 * EventEmitter2's `promisify` would defer each one with setImmediate, which halved the gateway's
 * fan-out throughput (bench:fanout, relay only). So the handler is wrapped here instead: its
 * error (thrown or rejected) goes to the context DomainEvents passes along, never into the
 * emitter, where `emit` would turn a rejection into an unhandled one and Nest's own wrapper would
 * only log it.
 */
export function OnDomainEvent<K extends DomainEventName>(name: K) {
  const decorate = OnEvent(name);
  return <T extends (payload: DomainEventMap[K]) => unknown>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ) => {
    const listener = `${target.constructor.name}.${String(key)}`;
    const react = descriptor.value!;
    descriptor.value = function (this: unknown, payload: DomainEventMap[K], context?: ReactionContext): unknown {
      // Called directly (not through DomainEvents): nothing to report to, errors go to the caller.
      if (!context) return react.call(this, payload);
      const fail = (error: unknown) => context.failed({ event: name, listener, error });
      try {
        if (context.faults.has(name)) throw new Error(`REACTION_FAULT: ${listener} fails on purpose`);
        const result = react.call(this, payload);
        return result instanceof Promise ? result.catch(fail) : result;
      } catch (error) {
        fail(error);
        return undefined;
      }
    } as T;
    return decorate(target, key, descriptor);
  };
}
