/**
 * bench:embedded: what a hot path's command costs on the embedded database as its collections
 * grow, with the launcher's query planning and without it. Each shape is one the app sends:
 * a conditional write by id (a gift record's next step), an update of a visit by its unique key
 * and its status, and a gate read (the live's document with the caller's visit and mute, each a
 * `$lookup`). "mongo-java-server alone" sends the same query in a shape the planner leaves to
 * mongo-java-server (inside an `$and`; each `$lookup` with a `let`), which answers it as before
 * the planner: by scanning. Both run on the same data, interleaved. Env: BENCH_SIZES
 * (1000,10000,100000 documents per collection), BENCH_DB_FILE (the durable file store instead of memory).
 */
import mongoose, { Types } from 'mongoose';
import { startEmbeddedDatabase } from './support/bench-app';
import { machineLine, printTable, round, runBench } from './support/report';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const CALLS = 200;
const INSERT_BATCH = 10_000;

type Shape = 'planned' | 'alone';
const asked = (shape: Shape, query: Record<string, unknown>) => (shape === 'planned' ? query : { $and: [query] });

async function main(): Promise<void> {
  console.log(`embedded database at scale: ${CALLS} calls per shape; ${machineLine()}`);
  const db = await startEmbeddedDatabase();
  const connection = await mongoose.createConnection(`${db.uri}/bench_embedded_${Date.now()}`).asPromise();
  const rows: Record<string, string | number>[] = [];
  try {
    const records = connection.db!.collection('records');
    const visits = connection.db!.collection('visits');
    const mutes = connection.db!.collection('mutes');
    const lives = connection.db!.collection('lives');
    await visits.createIndex({ liveId: 1, userId: 1 }, { unique: true });
    await mutes.createIndex({ liveId: 1, userId: 1 }, { unique: true });
    let size = 0;
    for (const target of SIZES) {
      // Grow every collection to `target` documents; the ones the calls use are the newest.
      for (let from = size; from < target; from += INSERT_BATCH) {
        const n = Math.min(INSERT_BATCH, target - from);
        const ids = Array.from({ length: n }, () => new Types.ObjectId());
        await records.insertMany(ids.map((_id) => ({ _id, state: 'settled', n: 0 })));
        await lives.insertMany(ids.map((_id) => ({ _id, status: 'live' })));
        await visits.insertMany(ids.map((liveId, i) => ({ liveId, userId: `u${from + i}`, status: 'active', n: 0 })));
        await mutes.insertMany(ids.map((liveId, i) => ({ liveId, userId: `u${from + i}`, until: new Date(0) })));
      }
      size = target;
      const newest = await visits
        .find({}, { projection: { liveId: 1, userId: 1 } })
        .sort({ _id: -1 })
        .limit(CALLS)
        .toArray();

      const shapes: Record<string, (shape: Shape, visit: (typeof newest)[number]) => Promise<unknown>> = {
        'findAndModify {_id, state}': (shape, { liveId }) =>
          records.findOneAndUpdate(asked(shape, { _id: liveId, state: 'settled' }), { $inc: { n: 1 } }),
        'update {liveId, userId, status}': (shape, { liveId, userId }) =>
          visits.updateOne(asked(shape, { liveId, userId, status: 'active' }), { $inc: { n: 1 } }),
        'gate read: aggregate with 2 $lookup': (shape, { liveId, userId }) => {
          const lookup = (from: string, match: Record<string, unknown>, as: string) => ({
            $lookup: { ...(shape === 'alone' ? { let: {} } : {}), from, pipeline: [{ $match: match }], as },
          });
          return lives
            .aggregate([
              { $match: asked(shape, { _id: liveId }) },
              lookup('visits', { liveId, userId, status: 'active' }, 'visit'),
              lookup('mutes', { liveId, userId, until: { $gt: new Date() } }, 'mute'),
            ])
            .toArray();
        },
      };
      for (const [name, call] of Object.entries(shapes)) {
        const ms: Record<Shape, number> = { planned: 0, alone: 0 };
        // Interleaved in rounds of 20, so load from elsewhere falls on both alike.
        for (let i = 0; i < CALLS; i += 20) {
          for (const shape of ['alone', 'planned'] as Shape[]) {
            const started = performance.now();
            for (const visit of newest.slice(i, i + 20)) await call(shape, visit);
            ms[shape] += performance.now() - started;
          }
        }
        rows.push({
          documents: target,
          command: name,
          'ms, mongo-java-server alone': round(ms.alone / CALLS, 2),
          'ms, planned': round(ms.planned / CALLS, 2),
        });
      }
    }
    printTable('ms per command (one in flight), by collection size', rows);
  } finally {
    await connection.close();
    await db.stop();
  }
}

runBench(main);
