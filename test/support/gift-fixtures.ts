import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { Guarded, guardIdsOf, HOLDING_GUARDS } from '../../src/common/guards';
import { TestApp } from './test-app';

/** Factories for gift tests: a running live with a joined, funded sender. */
export interface GiftScene {
  liveId: string;
  hostId: string;
  senderId: string;
  hostToken: string;
  senderToken: string;
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
export const newKey = () => randomUUID();

export async function adminToken(t: TestApp): Promise<string> {
  return t.token({ sub: `admin-${randomUUID().slice(0, 8)}`, admin: true });
}

export async function credit(t: TestApp, userId: string, coins: number, purchaseRef = `order-${randomUUID()}`) {
  const res = await t
    .http()
    .post('/api/wallet/credit')
    .set(auth(await adminToken(t)))
    .send({ userId, coins, purchaseRef });
  if (res.status !== 200) throw new Error(`credit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function giftByKey(
  t: TestApp,
  key: string,
): Promise<{ id: string; priceCoins: number; diamondValue: number }> {
  const res = await t.http().get('/api/live/gifts/all');
  const gift = res.body.items.find((g: { key: string }) => g.key === key);
  if (!gift) throw new Error(`no gift '${key}' in the catalog`);
  return gift;
}

export async function startScene(
  t: TestApp,
  [hostId, senderId]: string[],
  coins: number,
  liveType = 'live',
): Promise<GiftScene> {
  const hostToken = t.token(hostId);
  const senderToken = t.token(senderId);
  const live = await t.http().post('/api/live/create').set(auth(hostToken)).send({ liveType, title: 'gifts' });
  if (live.status !== 201) throw new Error(`create failed: ${JSON.stringify(live.body)}`);
  await t.http().post(`/api/live/${live.body.id}/join`).set(auth(senderToken)).send({}).expect(200);
  if (coins > 0) await credit(t, senderId, coins);
  return { liveId: live.body.id, hostId, senderId, hostToken, senderToken };
}

export async function wallet(t: TestApp, userId: string) {
  return (
    await t
      .http()
      .get('/api/wallet')
      .set(auth(t.token(userId)))
  ).body;
}

/**
 * Gifts still pending, and documents holding the guard of a gift still pending (lives, wallets,
 * leaderboard entries): 0 once every gift is settled or failed. A finished gift's guards may stay
 * until the next write to their document or the recovery sweep (see guardsIn).
 */
export async function giftsInFlight(db: Connection): Promise<number> {
  const pending = await db
    .collection('gifts_sent')
    .find({ state: 'pending' }, { projection: { _id: 1 } })
    .toArray();
  const ids = new Set(pending.map((gift) => gift._id.toString()));
  let guarded = 0;
  for (const collection of ['live_streams', 'wallets', 'gift_senders']) {
    for (const doc of await db.collection(collection).find(HOLDING_GUARDS).toArray()) {
      if (guardIdsOf(doc as Guarded).some((id) => ids.has(id.replace(/^gift:/, '').replace(/:refund$/, '')))) guarded++;
    }
  }
  return pending.length + guarded;
}

/** The ids whose guards the document `filter` finds holds (none when there is no such document). */
export async function guardsIn(db: Connection, collection: string, filter: Record<string, unknown>): Promise<string[]> {
  return guardIdsOf(((await db.collection(collection).findOne(filter)) ?? {}) as Guarded);
}
