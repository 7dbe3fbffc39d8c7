import { Injectable, Logger } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { getToken } from '@willsoto/nestjs-prometheus';
import { Counter, Registry } from 'prom-client';
import { loadConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { METRIC } from '../metrics/metrics';
import { DomainEventMap } from './domain-event-map';
import { DomainEvents, OnDomainEvent, ReactionError } from './domain-events';

/** Listeners of two events: one that works, one that throws, one that rejects later. */
@Injectable()
class Listeners {
  readonly calls: string[] = [];
  /** What `rejectsLater` waits for before it fails. */
  gate: Promise<void> = Promise.resolve();

  @OnDomainEvent('live.host_action')
  works({ action }: DomainEventMap['live.host_action']): void {
    this.calls.push(`works:${action}`);
  }

  @OnDomainEvent('live.host_action')
  throws(): void {
    throw new Error('broken listener');
  }

  @OnDomainEvent('live.host_action')
  async rejectsLater(): Promise<void> {
    await this.gate;
    this.calls.push('rejectsLater:ran');
    throw new Error('broken later');
  }

  @OnDomainEvent('chat.message_deleted')
  deleted(): void {
    this.calls.push('deleted');
  }
}

describe('domain events', () => {
  const payload = { liveId: 'l', action: 'kick' as const, actorId: 'a', targetUserId: 't' };

  async function setUp(env: Record<string, string> = {}) {
    const failures = new Counter({
      name: 'failures',
      help: 'test',
      labelNames: ['event', 'listener'],
      registers: [new Registry()],
    });
    const module = await Test.createTestingModule({
      imports: [EventEmitterModule.forRoot()],
      providers: [
        DomainEvents,
        Listeners,
        { provide: APP_CONFIG, useValue: loadConfig(env) },
        { provide: getToken(METRIC.reactionFailures), useValue: failures },
      ],
    }).compile();
    module.useLogger(false);
    await module.init();
    const count = async (listener: string) =>
      (await failures.get()).values.find((v) => v.labels.listener === listener)?.value ?? 0;
    return { events: module.get(DomainEvents), listeners: module.get(Listeners), count, module };
  }

  beforeAll(() => Logger.overrideLogger(false));

  it('runs listeners in the publisher tick, and emit neither throws nor waits for failures', async () => {
    const { events, listeners, count, module } = await setUp();
    let release!: () => void;
    listeners.gate = new Promise((resolve) => (release = resolve));
    events.emit('live.host_action', payload);
    expect(listeners.calls).toEqual(['works:kick']);
    expect(await count('Listeners.throws')).toBe(1);
    expect(await count('Listeners.rejectsLater')).toBe(0);

    release();
    await new Promise(setImmediate); // the rejection is handled in the microtasks before it
    expect(listeners.calls).toContain('rejectsLater:ran');
    expect(await count('Listeners.rejectsLater')).toBe(1);
    await module.close();
  });

  it('makes emitAsync wait for every listener and reject naming the ones that failed', async () => {
    const { events, listeners, count, module } = await setUp();
    const error = await events.emitAsync('live.host_action', payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReactionError);
    expect((error as ReactionError).failures.map((f) => f.listener).sort()).toEqual([
      'Listeners.rejectsLater',
      'Listeners.throws',
    ]);
    expect(listeners.calls).toEqual(['works:kick', 'rejectsLater:ran']);
    expect(await count('Listeners.throws')).toBe(1);
    await expect(events.emitAsync('chat.message_deleted', { liveId: 'l', messageId: 'm', actorId: 'a' })).resolves.toBe(
      undefined,
    );
    await module.close();
  });

  it('makes every reaction to a faulted event throw instead of running', async () => {
    const { events, listeners, count, module } = await setUp({ REACTION_FAULT: 'chat.message_deleted' });
    await expect(
      events.emitAsync('chat.message_deleted', { liveId: 'l', messageId: 'm', actorId: 'a' }),
    ).rejects.toBeInstanceOf(ReactionError);
    expect(listeners.calls).toEqual([]);
    expect(await count('Listeners.deleted')).toBe(1);
    await module.close();
  });

  it('leaves a direct call of a listener method as it was', () => {
    expect(() => new Listeners().throws()).toThrow('broken listener');
  });
});
