/**
 * A server process for bench:memory: the app (as the benches start it)
 * or a bare Socket.IO server (argv[2] = 'app' | 'bare'). It answers 'measure' with its memory after
 * its sockets have nothing left to send and a full garbage collection, so the coordinator reads
 * what live objects hold, not garbage or output queued for slow clients.
 *
 * The bare server does per socket what the app's sockets need at least: one user room on
 * connection, one live room on `live:join`, an ack. No auth, validation or database.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { queryObjects } from 'node:v8';
import { Server } from 'socket.io';

export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  sockets: number;
}

/** What the measurement reads of either server's Socket.IO sockets. */
type SocketMap = Map<string, { conn: { writeBuffer: unknown[]; transport: { socket?: { bufferedAmount?: number } } } }>;

let connected: () => SocketMap = () => new Map();

async function startApp(mongodbUri: string): Promise<string> {
  // Loaded here, so the bare server's process holds none of the app's modules.
  const { startBenchApp } = require('./bench-app') as typeof import('./bench-app');
  const { LiveGateway } = require('../../src/live/live.gateway') as typeof import('../../src/live/live.gateway');
  const { app, url } = await startBenchApp(mongodbUri);
  const { server } = (app as NestFastifyApplication).get(LiveGateway);
  connected = () => server.of('/').sockets as unknown as SocketMap;
  return url;
}

async function startBare(): Promise<string> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket', 'polling'] });
  io.on('connection', (socket) => {
    void socket.join(`user:${socket.id}`);
    socket.on('live:join', (payload: { liveStreamId?: string }, ack: (answer: unknown) => void) => {
      void socket.join(`live:${payload?.liveStreamId}`);
      ack({ ok: true, data: {} });
    });
  });
  connected = () => io.of('/').sockets as unknown as SocketMap;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** Packets and bytes still queued for clients (engine.io's buffer, the WebSocket's). */
function pendingOutput(): number {
  let pending = 0;
  for (const { conn } of connected().values()) {
    pending += conn.writeBuffer.length + (conn.transport.socket?.bufferedAmount ?? 0);
  }
  return pending;
}

async function measure(): Promise<MemorySample> {
  for (let waited = 0; pendingOutput() > 0 && waited < 30_000; waited += 100) await sleep(100);
  // A forced gc() leaves tens of MB that V8's memory reducer frees some 20 s later (old compiled
  // code among them), so figures moved with timing. queryObjects first runs V8's most thorough
  // collection (the one a heap snapshot starts with), and counting instances of a new class is cheap.
  for (let pass = 0; pass < 3; pass++) {
    queryObjects(class Nothing {}, { format: 'count' });
    await sleep(100);
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external, sockets: connected().size };
}

async function main(): Promise<void> {
  const [, , mode, mongodbUri] = process.argv;
  const url = mode === 'app' ? await startApp(mongodbUri) : await startBare();
  process.on('message', (command: { type: string }) => {
    if (command.type === 'measure') void measure().then((sample) => process.send!({ type: 'measured', sample }));
  });
  process.send!({ type: 'ready', url: url.replace('[::1]', '127.0.0.1') });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
