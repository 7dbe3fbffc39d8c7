import type { AnyClientBulkWriteModel, Document, MongoClient } from 'mongodb';
import { MongoClientBulkWriteError, MongoServerError } from 'mongodb';
import type { Model } from 'mongoose';

/** One write of a multi-write: the driver's client bulk-write model, its namespace naming the collection. */
export type Write = AnyClientBulkWriteModel<Document>;

/** An ordered multi-write stopped at the write `index`: the ones before it are done, it and the ones after are not. */
export class MultiWriteStopped extends Error {
  constructor(
    readonly index: number,
    readonly error: { code?: number | string; message: string },
  ) {
    super(`write ${index} of a multi-write failed: ${error.message}`);
  }
}

/** "database.collection", as a multi-write's model names a collection. */
export function namespaceOf(model: Pick<Model<unknown>, 'db' | 'collection'>): string {
  return `${model.db.name}.${model.collection.collectionName}`;
}

/** MongoDB's code for a command the server does not know. */
const COMMAND_NOT_FOUND = 59;
/** Clients whose server has no `bulkWrite` command (MongoDB before 8.0): their writes go one by one. */
const withoutBulkWrite = new WeakSet<MongoClient>();

/**
 * Writes to several collections in order, in one command: MongoDB 8.0's `bulkWrite` (the embedded
 * server has it too, see embedded-db/Launcher.java), so a hot path whose writes touch two
 * documents pays one round trip. Like an ordered bulk write, it stops at the first write that
 * fails (MultiWriteStopped), and it is not a transaction: each write is atomic on its own, and a
 * reader may see the first before the second. On an older server the writes go one by one, with
 * the same outcome. Answers, per write, how many documents it inserted, matched or deleted.
 */
export async function multiWrite(client: MongoClient, writes: Write[]): Promise<number[]> {
  if (withoutBulkWrite.has(client)) return writeOneByOne(client, writes);
  try {
    const result = await client.bulkWrite(writes, { ordered: true, verboseResults: true });
    return writes.map((write, index) =>
      write.name === 'insertOne'
        ? 1
        : write.name === 'deleteOne' || write.name === 'deleteMany'
          ? (result.deleteResults?.get(index)?.deletedCount ?? 0)
          : (result.updateResults?.get(index)?.matchedCount ?? 0),
    );
  } catch (error) {
    if (error instanceof MongoClientBulkWriteError && error.writeErrors.size > 0) {
      const [[index, writeError]] = [...error.writeErrors];
      throw new MultiWriteStopped(index, writeError);
    }
    if (error instanceof MongoServerError && error.code === COMMAND_NOT_FOUND) {
      withoutBulkWrite.add(client);
      return writeOneByOne(client, writes);
    }
    throw error;
  }
}

/** The writes of a multi-write, one command each (a server without `bulkWrite`): the same outcome. */
export async function writeOneByOne(client: MongoClient, writes: Write[]): Promise<number[]> {
  const counts: number[] = [];
  for (const [index, write] of writes.entries()) {
    const [database, ...rest] = write.namespace.split('.');
    const collection = client.db(database).collection(rest.join('.'));
    try {
      counts.push(await writeOne(collection, write));
    } catch (error) {
      if (error instanceof MongoServerError) throw new MultiWriteStopped(index, error);
      throw error;
    }
  }
  return counts;
}

type Collection = ReturnType<ReturnType<MongoClient['db']>['collection']>;

async function writeOne(collection: Collection, write: Write): Promise<number> {
  switch (write.name) {
    case 'insertOne':
      await collection.insertOne(write.document);
      return 1;
    case 'updateOne': {
      const { filter, update, upsert, arrayFilters, hint, collation } = write;
      return (await collection.updateOne(filter, update, { upsert, arrayFilters, hint, collation })).matchedCount;
    }
    case 'updateMany': {
      const { filter, update, upsert, arrayFilters, hint, collation } = write;
      return (await collection.updateMany(filter, update, { upsert, arrayFilters, hint, collation })).matchedCount;
    }
    case 'replaceOne': {
      const { filter, replacement, upsert, hint, collation } = write;
      return (await collection.replaceOne(filter, replacement, { upsert, hint, collation })).matchedCount;
    }
    case 'deleteOne':
      return (await collection.deleteOne(write.filter, { hint: write.hint, collation: write.collation })).deletedCount;
    case 'deleteMany':
      return (await collection.deleteMany(write.filter, { hint: write.hint, collation: write.collation })).deletedCount;
  }
}
