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

/**
 * Resolves with the socket's next refusal by the server (a connect_error carrying `data`). Transport
 * errors of attempts made during an outage are skipped: one still in flight when the outage ends
 * would otherwise be taken for the server's answer.
 */
export function nextConnectError(raw: Socket, timeoutMs = 10_000): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      raw.off('connect_error', onError);
      reject(new Error('no refusal from the server in time'));
    }, timeoutMs);
    const onError = (error: Error & { data?: { code?: string } }) => {
      if (error.data === undefined) return;
      clearTimeout(timer);
      raw.off('connect_error', onError);
      resolve(error);
    };
    raw.on('connect_error', onError);
  });
}

/** Client options for a socket that reconnects by itself after a drop (recovery needs it). */
export const RECONNECTING = {
  reconnection: true,
  reconnectionDelay: 50,
  reconnectionDelayMax: 100,
  randomizationFactor: 0,
};
