import request from 'supertest';
import { Socket } from 'socket.io-client';

/** Creates a live through REST as `hostToken` and returns its id. */
export async function createLive(baseUrl: string, hostToken: string, title = 'Recovery room'): Promise<string> {
  const res = await request(baseUrl)
    .post('/api/live/create')
    .set('Authorization', `Bearer ${hostToken}`)
    .send({ liveType: 'live', title });
  if (res.status !== 201) throw new Error(`create live failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Resolves on the socket's next successful (re)connection. */
export function nextConnect(raw: Socket, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reconnection in time')), timeoutMs);
    raw.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves with the socket's next connect_error. */
export function nextConnectError(raw: Socket, timeoutMs = 10_000): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connect_error in time')), timeoutMs);
    raw.once('connect_error', (error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

/** Client options for a socket that reconnects by itself after a drop (recovery needs it). */
export const RECONNECTING = {
  reconnection: true,
  reconnectionDelay: 50,
  reconnectionDelayMax: 100,
  randomizationFactor: 0,
};
