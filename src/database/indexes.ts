import { Model } from 'mongoose';

/**
 * Builds a model's indexes once its collection exists. Mongoose's own init (autoCreate) sends a
 * `create` for the collection; on mongo-java-server a `create` racing a `createIndexes` on a new
 * collection can replace the indexed collection with a bare one, silently dropping a unique index
 * (reproduced: about 1 in 500 races). Awaiting init first removes the race; real MongoDB is
 * unaffected either way.
 */
export async function ensureIndexes(model: Model<any>): Promise<void> {
  await model.init();
  await model.createIndexes();
}

/** One model after another: concurrent first index builds in a new database race the same way. */
export async function ensureAllIndexes(models: Iterable<Model<any>>): Promise<void> {
  for (const model of models) await ensureIndexes(model);
}
