/**
 * bench:joinstorm: N viewers (2000) join one live through `live:join` at random moments within a
 * window (10 s): all must succeed and the live's counters must be exact. Reports join latency.
 * Env: BENCH_VIEWERS (2000), BENCH_SPREAD_MS (10000), BENCH_WORKERS (4), BENCH_CPU_PROFILE (a
 * directory: the app's CPU profile over the storm, joinstorm.cpuprofile), BENCH_COUNT_COMMANDS=1
 * (the storm's database commands, by command and collection).
 */
import { benchToken, createLive, startBenchApp, startEmbeddedDatabase } from './support/bench-app';
import { countRoundTrips } from '../test/support/round-trips';
import { ClientPool } from './support/client-pool';
import { startProfile } from './support/cpu-profile';
import { machineLine, percentile, printTable, round, runBench } from './support/report';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 2000);
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const COUNT_COMMANDS = process.env.BENCH_COUNT_COMMANDS === '1';

async function main(): Promise<boolean> {
  console.log(
    `join storm: ${VIEWERS} viewers within ${SPREAD_MS / 1000} s, ${WORKERS} client processes; ${machineLine()}`,
  );
  const db = await startEmbeddedDatabase();
  // BENCH_COUNT_COMMANDS=1: the storm's database commands are counted (command monitoring costs
  // the app some CPU per command, so it is off by default).
  const app = await startBenchApp(`${db.uri}/bench_joinstorm_${Date.now()}`, {
    MONGODB_COMMAND_MONITORING: COUNT_COMMANDS ? 'true' : 'false',
  });
  const pool = ClientPool.start(WORKERS);
  try {
    const liveId = await createLive(app.url, 'storm-host');
    const failedConnects = await pool.connect(
      app.url,
      Array.from({ length: VIEWERS }, (_, i) => benchToken(`storm-viewer-${i}`)),
    );
    if (failedConnects) throw new Error(`${failedConnects} sockets could not connect`);
    const profile = await startProfile();
    // The app runs in this process: its CPU per join is steadier than latency on a shared machine.
    const cpuBefore = process.cpuUsage();
    let storm!: Awaited<ReturnType<ClientPool['joinStorm']>>;
    const run = async () => {
      storm = await pool.joinStorm(liveId, SPREAD_MS);
    };
    const commands = COUNT_COMMANDS ? await countRoundTrips(app.app, run) : (await run(), null);
    const { latencies, failures } = storm;
    const cpu = process.cpuUsage(cpuBefore);
    await profile?.stop('joinstorm');
    const res = await fetch(`${app.url}/api/live/${liveId}`, {
      headers: { authorization: `Bearer ${benchToken('storm-host')}` },
    });
    const { stats } = (await res.json()) as {
      stats: { viewerCount: number; peakViewerCount: number; uniqueViewerCount: number };
    };
    const exact =
      stats.viewerCount === VIEWERS && stats.uniqueViewerCount === VIEWERS && stats.peakViewerCount === VIEWERS;
    const codes = [...new Set(failures)].join(',') || '-';
    printTable('Join storm (embedded single-lock database)', [
      {
        viewers: VIEWERS,
        'window s': SPREAD_MS / 1000,
        succeeded: latencies.length,
        failed: `${failures.length} (${codes})`,
        'p50 ms': round(percentile(latencies, 50)),
        'p99 ms': round(percentile(latencies, 99)),
        'max ms': round(Math.max(...latencies)),
        viewerCount: stats.viewerCount,
        unique: stats.uniqueViewerCount,
        peak: stats.peakViewerCount,
        'counters exact': exact ? 'yes' : 'NO',
        'app CPU ms/join': round((cpu.user + cpu.system) / 1000 / VIEWERS, 2),
        'db commands/join': commands ? round(commands.total / VIEWERS, 2) : '-',
      },
    ]);
    if (commands) {
      console.log('Database commands during the storm, by command and collection:');
      for (const [command, count] of Object.entries(commands.byCommand).sort((a, b) => b[1] - a[1])) {
        console.log(`  ${command}: ${count}`);
      }
    }
    return exact && failures.length === 0;
  } finally {
    await pool.close();
    await app.close();
    await db.stop();
  }
}

runBench(main);
