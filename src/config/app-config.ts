import { createPublicKey } from 'node:crypto';
import Joi from 'joi';
import { DEFAULT_START_TIMEOUT_MS } from '../database/embedded-database';

/** Typed, validated configuration. Built once at start-up from the environment (see .env.example). */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Empty: the app starts the embedded database itself (never in production). */
  mongodbUri: string | undefined;
  /** The driver's command events (each reply decoded once more for them): on only to count round trips. */
  mongodbCommandMonitoring: boolean;
  dataDir: string;
  /** The embedded database must be listening within this, Maven's first download included. */
  embeddedDbStartTimeoutMs: number;
  jwt: {
    /** HS256 secret, or undefined when a public key is used. */
    secret: string | undefined;
    publicKey: string | undefined;
    algorithms: string[];
    issuer: string | undefined;
    audience: string | undefined;
    /** Failed authentications allowed per client address (HTTP and socket handshakes). */
    failureLimit: RateRule;
  };
  redisUrl: string | undefined;
  corsOrigins: string[] | true;
  devTokensEnabled: boolean;
  logLevel: string;
  presence: {
    /** How often each instance marks users with a socket in a live as present. */
    touchIntervalMs: number;
    /** A viewer not seen (no socket, no heartbeat) for this long is marked left. */
    viewerIdleTimeoutMs: number;
    /** A live whose host has not been seen for this long ends with reason host_timeout. */
    hostGraceMs: number;
    sweepIntervalMs: number;
  };
  socket: {
    /** Each live's latest room events kept for catch-up (live:join with sinceSeq): how many, how long. */
    recovery: { maxEvents: number; windowMs: number };
    /** Join/leave notices are batched per live over this window (live:viewers). */
    viewerBatchMs: number;
    /** Client events one socket may send per window, whatever the event. */
    eventRateLimit: RateRule;
    /**
     * A live room with at least `minSockets` sockets on this instance is big: while it is busy, its
     * events are sent together once per `windowMs` (0: never), one live:frame to the sockets that
     * accept frames and one write per socket for the others.
     */
    bigRoom: { minSockets: number; windowMs: number };
  };
  // chat
  chat: {
    /** Per user per live: both must allow a message (a short burst, and a sustained rate). */
    rateLimit: { burst: RateRule; sustained: RateRule };
    /** Mute length when a moderator gives none, and the longest allowed. */
    muteDefaultMs: number;
    muteMaxMs: number;
    /** Lower-case words masked with *** in messages. */
    blockedWords: string[];
  };
  // ---- seats and RTC credentials -----------------------------------------------------------
  seats: {
    /** Pending seat requests and invitations expire after this long. */
    ticketTtlMs: number;
    /** A move reserves its target seat this long at most (a crashed move frees it after). */
    moveHoldMs: number;
  };
  rtc: {
    /** Agora credentials (32 hex characters each), or undefined: Agora tokens answer RTC_NOT_CONFIGURED. */
    agora: { appId: string; appCertificate: string } | undefined;
    /** Lifetime of an RTC token; clients renew through the same endpoint before it runs out. */
    tokenTtlMs: number;
  };
  // gifts and wallet
  gifts: {
    /** The same sender, gift and receiver within this window continue a combo. */
    comboWindowMs: number;
    /** How often the recovery sweep looks for gifts a crash left unsettled. */
    sweepIntervalMs: number;
    /** A gift's settler holds it this long; past it, the sweep takes the gift over. */
    leaseMs: number;
    /** Test-only crash point (the process exits there); never allowed in production. */
    faultPoint: GiftFaultPoint | undefined;
    /** Gifts per sender per live (retries of a key are free). */
    rateLimit: RateRule;
  };
  // ---- connections between lives and PK battles ---------------------------------------------
  battles: {
    /** An invitation to connect two lives expires after this long. */
    inviteTtlMs: number;
    /** Bounds of a battle's `durationMs` and `punishmentMs`. */
    durationMinMs: number;
    durationMaxMs: number;
    punishmentMaxMs: number;
    /** How long a battle's end waits for the gifts recorded in its window to settle or fail. */
    settleWaitMs: number;
    /** How often each instance looks for battles whose time is up and invitations that expired. */
    sweepIntervalMs: number;
    /**
     * One live:battle:score per battle per slot of this length. Five events span at least three
     * whole slots, so at least 334 keeps any second to 4 of them; the default 400 leaves 200 ms for
     * delivery jitter and for the instances' clocks (slots are counted on them) to disagree.
     */
    scoreEventIntervalMs: number;
  };
  /** Statistics over time: per-live minute counters are written this often (a crash loses at most this much). */
  stats: { flushIntervalMs: number };
  /** Reactions to domain events (seats created with a live, freed at its end or on a kick...). */
  reactions: {
    /** Reactions a request left unfinished for this long are finished (or undone) by a sweep. */
    repairAfterMs: number;
    /** Test-only: the reactions to these events throw; never allowed in production. */
    faultEvents: string[];
  };
}

/** At most `points` actions per `windowMs` (rounded up to whole seconds by the limiter). */
export interface RateRule {
  points: number;
  windowMs: number;
}

// gifts and wallet
export const GIFT_FAULT_POINTS = ['after_record', 'after_debit', 'after_refusal'] as const;
export type GiftFaultPoint = (typeof GIFT_FAULT_POINTS)[number];

export const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789';

const durationMs = (fallback: number) => Joi.number().integer().min(1).default(fallback);

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  HOST: Joi.string().default('0.0.0.0'),
  PORT: Joi.number().port().default(3000),
  MONGODB_URI: Joi.string()
    .uri({ scheme: ['mongodb', 'mongodb+srv'] })
    .empty(''),
  MONGODB_COMMAND_MONITORING: Joi.boolean().default(false),
  DATA_DIR: Joi.string().default('./data'),
  EMBEDDED_DB_START_TIMEOUT_MS: durationMs(DEFAULT_START_TIMEOUT_MS),
  JWT_SECRET: Joi.string().min(16).empty(''),
  JWT_PUBLIC_KEY: Joi.string().empty(''),
  JWT_ALGORITHMS: Joi.string().empty(''),
  JWT_ISSUER: Joi.string().empty(''),
  JWT_AUDIENCE: Joi.string().empty(''),
  AUTH_FAILURE_POINTS: Joi.number().integer().min(1).default(30),
  AUTH_FAILURE_WINDOW_MS: Joi.number().integer().min(1000).default(60_000),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .empty(''),
  CORS_ORIGINS: Joi.string().default('*'),
  DEV_TOKENS_ENABLED: Joi.boolean().default(false),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  PRESENCE_TOUCH_INTERVAL_MS: durationMs(15_000),
  VIEWER_IDLE_TIMEOUT_MS: durationMs(60_000),
  HOST_GRACE_MS: durationMs(90_000),
  SWEEP_INTERVAL_MS: durationMs(10_000),
  RECOVERY_MAX_EVENTS: Joi.number().integer().min(1).max(100_000).default(1_000),
  RECOVERY_WINDOW_MS: durationMs(300_000),
  VIEWER_BATCH_MS: durationMs(1_000),
  BIG_ROOM_MIN_SOCKETS: Joi.number().integer().min(1).default(200),
  BIG_ROOM_WINDOW_MS: Joi.number().integer().min(0).max(50).default(50),
  SOCKET_EVENT_RATE_POINTS: Joi.number().integer().min(1).default(100),
  SOCKET_EVENT_RATE_WINDOW_MS: Joi.number().integer().min(1000).default(10_000),
  // chat
  CHAT_RATE_BURST_POINTS: Joi.number().integer().min(1).default(5),
  CHAT_RATE_BURST_WINDOW_MS: Joi.number().integer().min(1000).default(3_000),
  CHAT_RATE_SUSTAINED_POINTS: Joi.number().integer().min(1).default(30),
  CHAT_RATE_SUSTAINED_WINDOW_MS: Joi.number().integer().min(1000).default(60_000),
  CHAT_MUTE_DEFAULT_MS: durationMs(300_000),
  CHAT_MUTE_MAX_MS: durationMs(7 * 24 * 3600_000),
  CHAT_BLOCKED_WORDS: Joi.string().allow('').default(''),
  // seats and RTC credentials
  SEAT_TICKET_TTL_MS: durationMs(60_000),
  SEAT_MOVE_HOLD_MS: durationMs(10_000),
  // agora-token returns an empty string for anything but 32 hex characters: refuse it at boot.
  AGORA_APP_ID: Joi.string().hex().length(32).empty(''),
  AGORA_APP_CERTIFICATE: Joi.string().hex().length(32).empty(''),
  RTC_TOKEN_TTL_MS: Joi.number().integer().min(1_000).default(600_000),
  // gifts and wallet
  GIFT_COMBO_WINDOW_MS: durationMs(5_000),
  GIFT_SWEEP_INTERVAL_MS: durationMs(10_000),
  GIFT_LEASE_MS: durationMs(30_000),
  GIFT_RATE_POINTS: Joi.number().integer().min(1).default(30),
  GIFT_RATE_WINDOW_MS: Joi.number().integer().min(1000).default(10_000),
  GIFT_FAULT_POINT: Joi.string()
    .valid(...GIFT_FAULT_POINTS)
    .empty(''),
  // connections between lives and PK battles
  CONNECTION_INVITE_TTL_MS: durationMs(30_000),
  BATTLE_DURATION_MIN_MS: durationMs(30_000),
  BATTLE_DURATION_MAX_MS: durationMs(600_000),
  BATTLE_PUNISHMENT_MAX_MS: Joi.number().integer().min(0).default(300_000),
  BATTLE_SETTLE_WAIT_MS: durationMs(10_000),
  BATTLE_SWEEP_INTERVAL_MS: durationMs(1_000),
  BATTLE_SCORE_EVENT_INTERVAL_MS: Joi.number().integer().min(334).default(400),
  STATS_FLUSH_INTERVAL_MS: durationMs(60_000),
  // reactions to domain events
  REACTION_REPAIR_AFTER_MS: durationMs(30_000),
  REACTION_FAULT: Joi.string()
    .pattern(/^[a-z_]+\.[a-z_]+(,[a-z_]+\.[a-z_]+)*$/, 'comma-separated event names')
    .empty(''),
})
  .custom((env: Record<string, unknown>, helpers) => {
    // The embedded database is for development and tests: no replication, no backups, one process.
    if (env.NODE_ENV === 'production' && !env.MONGODB_URI) {
      return helpers.message({
        custom: 'MONGODB_URI is required in production (the embedded database is for development and tests)',
      });
    }
    if (env.NODE_ENV === 'production' && !env.JWT_SECRET && !env.JWT_PUBLIC_KEY) {
      return helpers.message({ custom: 'JWT_SECRET or JWT_PUBLIC_KEY is required in production' });
    }
    if (env.NODE_ENV === 'production' && env.DEV_TOKENS_ENABLED) {
      return helpers.message({ custom: 'DEV_TOKENS_ENABLED must not be set in production' });
    }
    if (Boolean(env.AGORA_APP_ID) !== Boolean(env.AGORA_APP_CERTIFICATE)) {
      return helpers.message({ custom: 'AGORA_APP_ID and AGORA_APP_CERTIFICATE must be set together' });
    }
    if ((env.BATTLE_DURATION_MIN_MS as number) > (env.BATTLE_DURATION_MAX_MS as number)) {
      return helpers.message({ custom: 'BATTLE_DURATION_MIN_MS must not be above BATTLE_DURATION_MAX_MS' });
    }
    if (env.NODE_ENV === 'production' && env.GIFT_FAULT_POINT) {
      return helpers.message({
        custom: 'GIFT_FAULT_POINT is a test-only crash switch and must not be set in production',
      });
    }
    if (env.NODE_ENV === 'production' && env.REACTION_FAULT) {
      return helpers.message({
        custom: 'REACTION_FAULT is a test-only fault switch and must not be set in production',
      });
    }
    return env;
  })
  .unknown(true);

export class ConfigError extends Error {}

function assertPublicKey(pem: string): void {
  try {
    createPublicKey(pem);
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration: JWT_PUBLIC_KEY is not a PEM public key (${(error as Error).message}); ` +
        'give the whole -----BEGIN PUBLIC KEY----- block, with \\n for line breaks in a .env file',
    );
  }
}

/** Validates the environment and maps it to AppConfig; a bad value throws naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const { value, error } = schema.validate(env, { abortEarly: false, convert: true });
  if (error) {
    throw new ConfigError(`Invalid configuration: ${error.details.map((d) => d.message).join('; ')}`);
  }
  const publicKey = value.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n');
  if (publicKey) assertPublicKey(publicKey);
  const secret = publicKey ? value.JWT_SECRET : (value.JWT_SECRET ?? DEV_JWT_SECRET);
  return {
    nodeEnv: value.NODE_ENV,
    host: value.HOST,
    port: value.PORT,
    mongodbUri: value.MONGODB_URI,
    mongodbCommandMonitoring: value.MONGODB_COMMAND_MONITORING,
    dataDir: value.DATA_DIR,
    embeddedDbStartTimeoutMs: value.EMBEDDED_DB_START_TIMEOUT_MS,
    jwt: {
      secret,
      publicKey,
      algorithms: value.JWT_ALGORITHMS
        ? value.JWT_ALGORITHMS.split(',').map((a: string) => a.trim())
        : publicKey
          ? ['RS256', 'ES256']
          : ['HS256'],
      issuer: value.JWT_ISSUER,
      audience: value.JWT_AUDIENCE,
      failureLimit: { points: value.AUTH_FAILURE_POINTS, windowMs: value.AUTH_FAILURE_WINDOW_MS },
    },
    redisUrl: value.REDIS_URL,
    corsOrigins: value.CORS_ORIGINS === '*' ? true : value.CORS_ORIGINS.split(',').map((o: string) => o.trim()),
    devTokensEnabled: value.DEV_TOKENS_ENABLED && value.NODE_ENV !== 'production',
    logLevel: value.LOG_LEVEL,
    presence: {
      touchIntervalMs: value.PRESENCE_TOUCH_INTERVAL_MS,
      viewerIdleTimeoutMs: value.VIEWER_IDLE_TIMEOUT_MS,
      hostGraceMs: value.HOST_GRACE_MS,
      sweepIntervalMs: value.SWEEP_INTERVAL_MS,
    },
    socket: {
      recovery: { maxEvents: value.RECOVERY_MAX_EVENTS, windowMs: value.RECOVERY_WINDOW_MS },
      viewerBatchMs: value.VIEWER_BATCH_MS,
      bigRoom: { minSockets: value.BIG_ROOM_MIN_SOCKETS, windowMs: value.BIG_ROOM_WINDOW_MS },
      eventRateLimit: { points: value.SOCKET_EVENT_RATE_POINTS, windowMs: value.SOCKET_EVENT_RATE_WINDOW_MS },
    },
    // chat
    chat: {
      rateLimit: {
        burst: { points: value.CHAT_RATE_BURST_POINTS, windowMs: value.CHAT_RATE_BURST_WINDOW_MS },
        sustained: { points: value.CHAT_RATE_SUSTAINED_POINTS, windowMs: value.CHAT_RATE_SUSTAINED_WINDOW_MS },
      },
      muteDefaultMs: value.CHAT_MUTE_DEFAULT_MS,
      muteMaxMs: value.CHAT_MUTE_MAX_MS,
      blockedWords: value.CHAT_BLOCKED_WORDS.split(',')
        .map((w: string) => w.trim().toLowerCase())
        .filter(Boolean),
    },
    seats: {
      ticketTtlMs: value.SEAT_TICKET_TTL_MS,
      moveHoldMs: value.SEAT_MOVE_HOLD_MS,
    },
    rtc: {
      agora: value.AGORA_APP_ID
        ? { appId: value.AGORA_APP_ID, appCertificate: value.AGORA_APP_CERTIFICATE }
        : undefined,
      tokenTtlMs: value.RTC_TOKEN_TTL_MS,
    },
    // gifts and wallet
    gifts: {
      comboWindowMs: value.GIFT_COMBO_WINDOW_MS,
      sweepIntervalMs: value.GIFT_SWEEP_INTERVAL_MS,
      leaseMs: value.GIFT_LEASE_MS,
      faultPoint: value.GIFT_FAULT_POINT,
      rateLimit: { points: value.GIFT_RATE_POINTS, windowMs: value.GIFT_RATE_WINDOW_MS },
    },
    battles: {
      inviteTtlMs: value.CONNECTION_INVITE_TTL_MS,
      durationMinMs: value.BATTLE_DURATION_MIN_MS,
      durationMaxMs: value.BATTLE_DURATION_MAX_MS,
      punishmentMaxMs: value.BATTLE_PUNISHMENT_MAX_MS,
      settleWaitMs: value.BATTLE_SETTLE_WAIT_MS,
      sweepIntervalMs: value.BATTLE_SWEEP_INTERVAL_MS,
      scoreEventIntervalMs: value.BATTLE_SCORE_EVENT_INTERVAL_MS,
    },
    stats: { flushIntervalMs: value.STATS_FLUSH_INTERVAL_MS },
    reactions: {
      repairAfterMs: value.REACTION_REPAIR_AFTER_MS,
      faultEvents: value.REACTION_FAULT?.split(',') ?? [],
    },
  };
}
