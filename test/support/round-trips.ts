import type { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';

/** Not round trips of an action: connection handshakes, health and session bookkeeping. */
const NOT_COUNTED = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'saslStart', 'saslContinue']);

export interface RoundTrips {
  total: number;
  /** "command collection" -> count, e.g. "findAndModify live_streams": 1 */
  byCommand: Record<string, number>;
}

/**
 * Counts the database commands the app sends (driver command monitoring) while `action` runs and
 * until its deferred writes are done (`settle` waits for them: e.g. a batch flush).
 */
export async function countRoundTrips(
  app: INestApplication,
  action: () => Promise<unknown>,
  settle: () => Promise<unknown> = () => Promise.resolve(),
): Promise<RoundTrips> {
  const client = commandEvents(app);
  const seen: CommandStartedEvent[] = [];
  const record = (event: CommandStartedEvent) => {
    if (!NOT_COUNTED.has(event.commandName)) seen.push(event);
  };
  client.on('commandStarted', record);
  try {
    await action();
    await settle();
  } finally {
    client.off('commandStarted', record);
  }
  const byCommand: Record<string, number> = {};
  for (const event of seen) {
    const key = `${event.commandName} ${collectionsOf(event)}`.trim();
    byCommand[key] = (byCommand[key] ?? 0) + 1;
  }
  return { total: seen.length, byCommand };
}

/** The collection a command names; a bulkWrite (one command, several collections) names each, joined by "+". */
function collectionsOf(event: CommandStartedEvent): string {
  if (event.commandName === 'bulkWrite') {
    const namespaces = (event.command.nsInfo as { ns: string }[]).map(({ ns }) => ns.slice(ns.indexOf('.') + 1));
    return namespaces.join('+');
  }
  const collection: unknown = event.command[event.commandName];
  return typeof collection === 'string' ? collection : '';
}

/** Resolves once the app has sent no database command for `quietMs` (boot-time sweeps done), or after `maxMs`. */
export async function waitForQuiet(app: INestApplication, quietMs = 200, maxMs = 10_000): Promise<void> {
  const client = commandEvents(app);
  let last = Date.now();
  const seen = () => (last = Date.now());
  client.on('commandStarted', seen);
  const started = Date.now();
  try {
    while (Date.now() - last < quietMs && Date.now() - started < maxMs) {
      await new Promise((resolve) => setTimeout(resolve, quietMs / 4));
    }
  } finally {
    client.off('commandStarted', seen);
  }
}

/** The app's database client, which must emit command events: else nothing would be counted. */
function commandEvents(app: INestApplication) {
  const client = app.get<Connection>(getConnectionToken()).getClient();
  if (!client.options.monitorCommands) {
    throw new Error('Start the app with MONGODB_COMMAND_MONITORING=true (QUIET_ENV) to count its commands.');
  }
  return client;
}
