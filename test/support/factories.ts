import type { TestApp } from './test-app';

/** Creates a live through the real API and returns it with its host's token. */
export async function createLive(
  t: TestApp,
  hostId: string,
  body: Record<string, unknown> = {},
): Promise<{ live: any; hostToken: string }> {
  const hostToken = t.token({ sub: hostId, name: `Host ${hostId}` });
  const res = await t
    .http()
    .post('/api/live/create')
    .set('Authorization', `Bearer ${hostToken}`)
    .send({ liveType: 'live', title: `Live of ${hostId}`, ...body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { live: res.body, hostToken };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
