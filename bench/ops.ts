/**
 * bench:ops: the database commands each hot path costs, counted at the MongoDB driver on a warm
 * app (the same scenario as test/round-trips.e2e-spec.ts). Deterministic: the same on any machine.
 * Prints a markdown table for docs/benchmarks.md.
 */
import { measureHotPaths, QUIET_ENV, ROUND_TRIP_ACTIONS } from '../test/support/round-trip-scenario';
import { startTestApp } from '../test/support/test-app';
import { startEmbeddedDatabase } from './support/bench-app';

async function main(): Promise<void> {
  const database = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase();
  process.env.TEST_MONGODB_URI = process.env.MONGODB_URI ?? database!.uri;
  const t = await startTestApp({ ...QUIET_ENV, LOG_LEVEL: 'silent' });
  try {
    const measured = await measureHotPaths(t);
    console.log('| Action | Commands | By command and collection |');
    console.log('|---|---|---|');
    for (const action of ROUND_TRIP_ACTIONS) {
      const { total, byCommand } = measured[action];
      const parts = Object.entries(byCommand).map(([command, n]) => (n > 1 ? `${command} x${n}` : command));
      console.log(`| ${action} | ${total} | ${parts.join(', ') || '-'} |`);
    }
  } finally {
    await t.close();
    await database?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
