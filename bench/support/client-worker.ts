/**
 * A bench client process: holds a share of the Socket.IO clients, so the clients do not compete
 * with each other on one event loop. Driven by messages from bench/support/client-pool.ts.
 */
import { io, Socket } from 'socket.io-client';

export type WorkerCommand =
  | { type: 'connect'; url: string; tokens: string[]; liveStreamId?: string }
  | { type: 'listen'; event: string }
  | { type: 'collect' }
  | { type: 'joinstorm'; liveStreamId: string; startAt: number; spreadMs: number }
  | { type: 'disconnect' }
  | { type: 'close' };

const sockets: Socket[] = [];
let listening = { event: '', deliveries: 0, latencies: [] as number[], lastAt: 0 };

const send = (message: unknown) => process.send!(message);

/** Bench events carry their send time in the title (`bench <sentAtMs> <seq>`), or in `at` (battle scores). */
function onEvent(event: string, payload: { live?: { title?: string }; at?: string }): void {
  if (event !== listening.event) return;
  const title = payload?.live?.title;
  const sentAt = title ? Number(title.split(' ')[1]) : Date.parse(payload?.at ?? '');
  if (!Number.isFinite(sentAt)) return;
  const now = Date.now();
  listening.deliveries++;
  listening.latencies.push(now - sentAt);
  listening.lastAt = now;
}

function connectOne(url: string, token: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  socket.onAny(onEvent);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function connectAll(url: string, tokens: string[], liveStreamId?: string): Promise<number> {
  let failures = 0;
  for (let i = 0; i < tokens.length; i += 25) {
    await Promise.all(
      tokens.slice(i, i + 25).map(async (token) => {
        try {
          const socket = await connectOne(url, token);
          sockets.push(socket);
          if (liveStreamId) {
            const ack = await socket.timeout(30_000).emitWithAck('live:join', { liveStreamId });
            if (!ack?.ok) failures++;
          }
        } catch {
          failures++;
        }
      }),
    );
  }
  return failures;
}

async function joinStorm(liveStreamId: string, startAt: number, spreadMs: number): Promise<void> {
  const latencies: number[] = [];
  const failures: string[] = [];
  await Promise.all(
    sockets.map(async (socket) => {
      await new Promise((r) => setTimeout(r, Math.max(0, startAt + Math.random() * spreadMs - Date.now())));
      const began = Date.now();
      try {
        const ack = await socket.timeout(30_000).emitWithAck('live:join', { liveStreamId });
        if (ack?.ok) latencies.push(Date.now() - began);
        else failures.push(ack?.error?.code ?? 'UNKNOWN');
      } catch {
        failures.push('TIMEOUT');
      }
    }),
  );
  send({ type: 'joined', latencies, failures });
}

process.on('message', (command: WorkerCommand) => {
  switch (command.type) {
    case 'connect':
      void connectAll(command.url, command.tokens, command.liveStreamId).then((failures) =>
        send({ type: 'connected', failures }),
      );
      break;
    case 'listen':
      listening = { event: command.event, deliveries: 0, latencies: [], lastAt: 0 };
      send({ type: 'listening' });
      break;
    case 'collect':
      send({
        type: 'collected',
        deliveries: listening.deliveries,
        latencies: listening.latencies,
        lastAt: listening.lastAt,
      });
      break;
    case 'joinstorm':
      void joinStorm(command.liveStreamId, command.startAt, command.spreadMs);
      break;
    case 'disconnect':
      sockets.splice(0).forEach((s) => s.disconnect());
      send({ type: 'disconnected' });
      break;
    case 'close':
      sockets.forEach((s) => s.disconnect());
      setTimeout(() => process.exit(0), 100);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
