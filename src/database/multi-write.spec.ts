import { MongoClient, MongoServerError } from 'mongodb';
import { multiWrite, Write } from './multi-write';

/**
 * The choice between one command and one command per write, on a client whose server answers
 * like MongoDB before 8.0. (test/embedded-database.e2e-spec.ts runs both ways on a real server.)
 */
describe('multiWrite on a server without bulkWrite', () => {
  function olderServer() {
    const sent: string[] = [];
    const collection = (name: string) => ({
      insertOne: async () => void sent.push(`insert ${name}`),
      updateOne: async () => (sent.push(`update ${name}`), { matchedCount: 1 }),
    });
    const client = {
      bulkWrite: async () => {
        sent.push('bulkWrite');
        throw new MongoServerError({ ok: 0, code: 59, errmsg: "no such command: 'bulkWrite'" });
      },
      db: () => ({ collection }),
    } as unknown as MongoClient;
    return { client, sent };
  }
  const writes: Write[] = [
    { name: 'insertOne', namespace: 'app.messages', document: { text: 'hi' } },
    { name: 'updateOne', namespace: 'app.lives', filter: {}, update: { $inc: { n: 1 } } },
  ];

  it('writes one by one once the server says it has no bulkWrite, and does not ask again', async () => {
    const { client, sent } = olderServer();
    expect(await multiWrite(client, writes)).toEqual([1, 1]);
    expect(await multiWrite(client, writes)).toEqual([1, 1]);
    expect(sent).toEqual(['bulkWrite', 'insert messages', 'update lives', 'insert messages', 'update lives']);
  });
});
