/**
 * bench:durable: the cost of durable replies on the persistent embedded database. For the
 * launcher the app uses (a reply waits for the commit holding its write, concurrent writes share
 * commits) and for the previous one kept in bench/support (background commit about once a
 * second, replies before the write is on disk): time per write for sequential and concurrent
 * inserts and updates through the MongoDB driver, and the data file's size after each phase.
 * Both run side by side, each phase on one then the other, so load from elsewhere on a shared
 * machine falls on both alike. Env: BENCH_WRITES (4000 per phase), BENCH_CONCURRENCY (32 in flight).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Connection } from 'mongoose';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { machineLine, printTable, round } from './support/report';

const WRITES = Number(process.env.BENCH_WRITES ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROOT = join(__dirname, '..');

const MODES = [
  { name: 'background commit (before)', launcher: join(__dirname, 'support', 'BackgroundCommitLauncher.java') },
  { name: 'durable replies (now)', launcher: join(ROOT, 'embedded-db', 'Launcher.java') },
];

type Doc = { _id: number; n: number; text: string };

/** Runs `count` operations, `inFlight` at a time; returns the elapsed milliseconds. */
async function run(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await op(next++);
    }),
  );
  return performance.now() - started;
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
// About the size of a chat message or a ledger entry; random, so the clean stop's compressed copy is not flattered.
const text = () => randomBytes(150).toString('base64');

interface Running {
  name: string;
  dir: string;
  dataFile: string;
  database: EmbeddedDatabase;
  connection: Connection;
  rows: Record<string, string | number>[];
}

async function start(mode: (typeof MODES)[number]): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-durable-'));
  const dataFile = join(dir, 'db.mv');
  const database = await EmbeddedDatabase.start({ cacheDir: join(ROOT, 'data'), dataFile, launcher: mode.launcher });
  const connection = await mongoose.createConnection(`${database.uri}/bench`).asPromise();
  return { name: mode.name, dir, dataFile, database, connection, rows: [] };
}

/** The durable launcher's counters (serverStatus.durability); absent before. */
async function durability(
  connection: Connection,
): Promise<{ commits?: number; commitMillis?: number; compactions?: number; compactionMillis?: number }> {
  return (await connection.getClient().db('admin').command({ serverStatus: 1 })).durability ?? {};
}

async function main(): Promise<void> {
  console.log(`Durable embedded writes: ${WRITES} operations per phase, ${CONCURRENCY} in flight; ${machineLine()}`);
  const modes: Running[] = [];
  try {
    for (const mode of MODES) modes.push(await start(mode));
    const docsOf = (m: Running) => m.connection.getClient().db('bench').collection<Doc>('writes');
    const phase = async (
      name: string,
      inFlight: number,
      op: (docs: ReturnType<typeof docsOf>, i: number) => Promise<unknown>,
    ) => {
      for (const m of modes) {
        const before = await durability(m.connection);
        const ms = await run(WRITES, inFlight, (i) => op(docsOf(m), i));
        const after = await durability(m.connection);
        m.rows.push({
          mode: m.name,
          phase: name,
          ops: WRITES,
          'in flight': inFlight,
          'ms/op': round(ms / WRITES, 3),
          'ops/s': round((WRITES * 1000) / ms),
          // Every write waits for a commit; fewer commits than writes: concurrent writes shared them.
          commits: after.commits === undefined ? 'background' : after.commits - before.commits!,
          // Time the committer spent writing (waiting for the lock excluded), per commit.
          'ms/commit':
            after.commits === undefined || after.commits === before.commits
              ? ''
              : round((after.commitMillis! - before.commitMillis!) / (after.commits - before.commits!), 3),
          compactions: after.compactions === undefined ? '' : after.compactions - before.compactions!,
          'compaction ms':
            after.compactions === undefined ? '' : round(after.compactionMillis! - before.compactionMillis!),
          'file MB after': mb(statSync(m.dataFile).size),
        });
      }
    };
    // Warm-up (JIT, connection pool), not reported.
    for (const m of modes) {
      const warmup = m.connection.getClient().db('bench').collection<{ _id: number; text: string }>('warmup');
      await run(1000, CONCURRENCY, (i) => warmup.insertOne({ _id: i, text: text() }));
      await run(1000, 1, (i) => warmup.updateOne({ _id: i }, { $set: { text: text() } }));
    }
    const some = (i: number) => ({ _id: i % (2 * WRITES) });
    await phase('insert', 1, (docs, i) => docs.insertOne({ _id: i, n: 0, text: text() }));
    await phase('insert', CONCURRENCY, (docs, i) => docs.insertOne({ _id: WRITES + i, n: 0, text: text() }));
    await phase('update ($inc)', 1, (docs, i) => docs.updateOne(some(i), { $inc: { n: 1 } }));
    await phase('update ($inc)', CONCURRENCY, (docs, i) => docs.updateOne(some(i), { $inc: { n: 1 } }));
    // Reads of a store with nothing unsaved do not wait for a commit.
    await phase('find by _id (read)', 1, (docs, i) => docs.findOne(some(i)));
    // The same documents rewritten again and again: the file must not grow with the number of writes.
    for (let pass = 1; pass <= 3; pass++) {
      await phase(`update again, pass ${pass}`, CONCURRENCY, (docs, i) => docs.updateOne(some(i), { $inc: { n: 1 } }));
    }
    for (const m of modes) {
      await m.connection.close();
      await m.database.stop();
      m.rows.push({ mode: m.name, phase: 'after a clean stop', 'file MB after': mb(statSync(m.dataFile).size) });
    }
    const columns = Object.keys(modes[0].rows[0]);
    const rows = modes.flatMap((m) =>
      m.rows.map((row) => ({ ...Object.fromEntries(columns.map((c) => [c, ''])), ...row })),
    );
    printTable('Persistent embedded database (H2 file), driver on loopback', rows);
  } finally {
    for (const m of modes) {
      await m.connection.close();
      await m.database.stop();
      rmSync(m.dir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
