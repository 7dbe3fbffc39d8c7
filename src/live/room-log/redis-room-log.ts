import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Catchup, catchUpFrom, MemoryRoomLog, RoomLog, RoomLogLimits, Stamp } from './room-log';

/** How long a live's count outlives its last event: long lives keep one epoch for a day. */
const COUNT_TTL_MS = 24 * 3600_000;

/** Starts a count under a new epoch when there is none (never counted, or its keys expired). */
const ENSURE_EPOCH = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0)
  redis.call('DEL', KEYS[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
`;

/**
 * Numbers and keeps one event in one step: the count and its epoch in a hash, the event in a
 * stream whose entry id is its seq, so every instance numbers one live's events in one order.
 * KEYS: count hash, event stream. ARGV: new epoch, ttl, event, data, time, max events.
 */
const APPEND = `${ENSURE_EPOCH}
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], seq .. '-1', 'e', ARGV[3], 'd', ARGV[4], 't', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {epoch, seq}
`;

/** The count, and the kept events from a seq on, read in one step. ARGV: new epoch, ttl, first seq, max. */
const CATCH_UP = `${ENSURE_EPOCH}
local seq = redis.call('HGET', KEYS[1], 'seq')
local events = {}
if ARGV[3] ~= '' then events = redis.call('XRANGE', KEYS[2], ARGV[3] .. '-0', '+', 'COUNT', ARGV[4]) end
return {epoch, seq, events}
`;

type StreamEntry = [id: string, fields: string[]];

/**
 * Several instances: the count and the kept events live in Redis, so a client recovers on any
 * instance, also after the one it was on is lost. If Redis cannot be reached, events are still
 * delivered, numbered by this instance under an epoch of its own (clients see a new epoch and
 * resync), and catch-ups answer resync.
 */
export class RedisRoomLog implements RoomLog {
  private readonly logger = new Logger('RedisRoomLog');
  private readonly fallback: MemoryRoomLog;

  constructor(
    private readonly redis: Redis,
    private readonly limits: RoomLogLimits,
  ) {
    this.fallback = new MemoryRoomLog(limits);
  }

  async append<T extends object>(liveId: string, event: string, payload: T): Promise<T & Stamp> {
    try {
      const [epoch, seq] = (await this.redis.eval(
        APPEND,
        2,
        countKey(liveId),
        streamKey(liveId),
        newEpoch(),
        COUNT_TTL_MS,
        event,
        JSON.stringify(payload),
        Date.now(),
        this.limits.maxEvents,
      )) as [string, number];
      return { ...payload, seq, epoch };
    } catch (error) {
      this.logger.warn({ err: error, liveId }, 'Redis unreachable: numbering this room event locally');
      return this.fallback.stamp(liveId, event, payload);
    }
  }

  async catchUp(liveId: string, sinceSeq?: number, clientEpoch?: string): Promise<Catchup> {
    try {
      const first = sinceSeq === undefined ? '' : String(sinceSeq + 1);
      const [epoch, seq, entries] = (await this.redis.eval(
        CATCH_UP,
        2,
        countKey(liveId),
        streamKey(liveId),
        newEpoch(),
        COUNT_TTL_MS,
        first,
        this.limits.maxEvents,
      )) as [string, string, StreamEntry[]];
      const head = { epoch, seq: Number(seq) };
      const kept = entries.map((entry) => toKept(entry, epoch));
      return catchUpFrom(head, kept, this.limits, sinceSeq, clientEpoch);
    } catch (error) {
      this.logger.warn({ err: error, liveId }, 'Redis unreachable: catch-up answers resync');
      const local = this.fallback.catchUpNow(liveId);
      return { ...local, resync: true };
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async forget(liveId: string): Promise<void> {
    await this.fallback.forget(liveId);
    await this.redis.del(countKey(liveId), streamKey(liveId)).catch(() => undefined);
  }
}

const countKey = (liveId: string) => `roomlog:{${liveId}}:count`;
const streamKey = (liveId: string) => `roomlog:{${liveId}}:events`;

const newEpoch = () => `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** A stream entry as the event was sent: its data with its seq and epoch. */
function toKept([id, fields]: StreamEntry, epoch: string) {
  const field = (name: string) => fields[fields.indexOf(name) + 1];
  const seq = Number(id.split('-')[0]);
  const data = { ...(JSON.parse(field('d')) as Record<string, unknown>), seq, epoch };
  return { seq, at: Number(field('t')), event: field('e'), data };
}
