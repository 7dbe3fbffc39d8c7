/**
 * bench:durable: the cost of durable replies on the persistent embedded database. For the
 * launcher the app uses (a reply waits for the commit holding its write, concurrent writes share
 * commits) and for the previous one kept in bench/support (background commit about once a
 * second, replies before the write is on disk): time per write for sequential and concurrent
 * inserts and updates through the MongoDB driver, and the data file's size after each phase.
 * Env: BENCH_WRITES (4000 per phase), BENCH_CONCURRENCY (32 writes in flight).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { machineLine, printTable, round } from './support/report';

const WRITES = Number(process.env.BENCH_WRITES ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROOT = join(__dirname, '..');

const MODES = [
  { name: 'background commit (before)', launcher: join(__dirname, 'support', 'BackgroundCommitLauncher.java') },
  { name: 'durable replies (now)', launcher: join(ROOT, 'embedded-db', 'Launcher.java') },
];

type Op = (i: number) => Promise<unknown>;

/** Runs `count` writes, `inFlight` at a time; returns the elapsed milliseconds. */
async function run(count: number, inFlight: number, write: Op): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await write(next++);
    }),
  );
  return performance.now() - started;
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

async function benchmark(mode: (typeof MODES)[number]): Promise<Record<string, string | number>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-durable-'));
  const dataFile = join(dir, 'db.mv');
  const database = await EmbeddedDatabase.start({
    cacheDir: join(ROOT, 'data'),
    dataFile,
    launcher: mode.launcher,
  });
  const connection = await mongoose.createConnection(`${database.uri}/bench`).asPromise();
  const docs = connection.getClient().db('bench').collection<{ _id: number; n: number; text: string }>('writes');
  // About the size of a chat message or a ledger entry; random, so the clean stop's compressed copy is not flattered.
  const text = () => randomBytes(150).toString('base64');
  const rows: Record<string, string | number>[] = [];
  /** The durable launcher's counters (serverStatus.durability); absent before. */
  const durability = async () =>
    ((await connection.getClient().db('admin').command({ serverStatus: 1 })).durability ?? {}) as {
      waits?: number;
      commits?: number;
      compactions?: number;
    };
  const phase = async (name: string, inFlight: number, write: Op) => {
    const before = await durability();
    const ms = await run(WRITES, inFlight, write);
    const after = await durability();
    rows.push({
      mode: mode.name,
      phase: name,
      ops: WRITES,
      'in flight': inFlight,
      'ms/op': round(ms / WRITES, 3),
      'ops/s': round((WRITES * 1000) / ms),
      // Every write waits for a commit; fewer commits than writes: concurrent writes shared them.
      commits: after.commits === undefined ? 'background' : after.commits - before.commits!,
      compactions: after.compactions === undefined ? '' : after.compactions - before.compactions!,
      'file MB after': mb(statSync(dataFile).size),
    });
  };
  try {
    // Warm-up (JIT, connection pool), not reported.
    const warmup = connection.getClient().db('bench').collection<{ _id: number; text: string }>('warmup');
    await run(1000, CONCURRENCY, (i) => warmup.insertOne({ _id: i, text: text() }));
    await run(1000, 1, (i) => warmup.updateOne({ _id: i }, { $set: { text: text() } }));
    await phase('insert', 1, (i) => docs.insertOne({ _id: i, n: 0, text: text() }));
    await phase('insert', CONCURRENCY, (i) => docs.insertOne({ _id: WRITES + i, n: 0, text: text() }));
    await phase('update ($inc)', 1, (i) => docs.updateOne({ _id: i % (2 * WRITES) }, { $inc: { n: 1 } }));
    await phase('update ($inc)', CONCURRENCY, (i) => docs.updateOne({ _id: i % (2 * WRITES) }, { $inc: { n: 1 } }));
    // Reads of a store with nothing unsaved do not wait for a commit.
    await phase('find by _id (read)', 1, (i) => docs.findOne({ _id: i % (2 * WRITES) }));
    // The same documents rewritten again and again: the file must not grow with the number of writes.
    for (let pass = 1; pass <= 3; pass++) {
      await phase(`update again, pass ${pass}`, CONCURRENCY, (i) =>
        docs.updateOne({ _id: i % (2 * WRITES) }, { $inc: { n: 1 } }),
      );
    }
    await connection.close();
    await database.stop();
    rows.push({ mode: mode.name, phase: 'after a clean stop', 'file MB after': mb(statSync(dataFile).size) });
    return rows.map((row) => ({
      mode: '',
      phase: '',
      ops: '',
      'in flight': '',
      'ms/op': '',
      'ops/s': '',
      commits: '',
      compactions: '',
      'file MB after': '',
      ...row,
    }));
  } finally {
    await connection.close();
    await database.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`Durable embedded writes: ${WRITES} writes per phase, ${CONCURRENCY} in flight; ${machineLine()}`);
  const rows: Record<string, string | number>[] = [];
  for (const mode of MODES) rows.push(...(await benchmark(mode)));
  printTable('Persistent embedded database (H2 file), driver on loopback', rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
