import { auth, credit } from './gift-fixtures';
import { TestApp, TestSocket, userIds } from './test-app';

/** One side of a connection: a running live, its host, and a viewer socket in its room (to see room events). */
export interface Side {
  liveId: string;
  hostId: string;
  hostToken: string;
  room: TestSocket;
}

export function post(t: TestApp, path: string, token: string, body: object = {}) {
  return t.http().post(path).set(auth(token)).send(body);
}

/** Two running lives of `liveType`, each watched by one viewer socket. */
export async function twoLives(t: TestApp, liveType = 'live', prefix = 'pk'): Promise<[Side, Side]> {
  const [hostA, hostB, viewerA, viewerB] = userIds(prefix, 4);
  const sides = await Promise.all(
    [
      [hostA, viewerA],
      [hostB, viewerB],
    ].map(async ([hostId, viewerId]) => {
      const hostToken = t.token({ sub: hostId, name: `Host ${hostId}` });
      const live = await post(t, '/api/live/create', hostToken, { liveType, title: `pk ${hostId}` });
      if (live.status !== 201) throw new Error(`create failed: ${JSON.stringify(live.body)}`);
      const room = await t.connect(t.token(viewerId));
      const joined = await room.request('live:join', { liveStreamId: live.body.id });
      if (!joined.ok) throw new Error(`join failed: ${JSON.stringify(joined)}`);
      return { liveId: live.body.id as string, hostId, hostToken, room };
    }),
  );
  return [sides[0], sides[1]];
}

/** A invites B, B accepts: the connection, connected. */
export async function connectLives(t: TestApp, a: Side, b: Side): Promise<any> {
  const invited = await post(t, `/api/live/${a.liveId}/connections`, a.hostToken, { targetLiveId: b.liveId });
  if (invited.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invited.body)}`);
  const accepted = await post(t, `/api/live/${b.liveId}/connections/${invited.body.id}/accept`, b.hostToken);
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return accepted.body;
}

export async function startBattle(t: TestApp, side: Side, durationMs: number, punishmentMs = 0): Promise<any> {
  const res = await post(t, `/api/live/${side.liveId}/battles`, side.hostToken, { durationMs, punishmentMs });
  if (res.status !== 201) throw new Error(`start failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Funded senders who joined the live. */
export async function senders(t: TestApp, liveId: string, count: number, coins: number, prefix = 'fan') {
  const ids = userIds(prefix, count);
  await Promise.all(
    ids.map(async (id) => {
      await post(t, `/api/live/${liveId}/join`, t.token(id)).expect(200);
      if (coins > 0) await credit(t, id, coins);
    }),
  );
  return ids;
}
