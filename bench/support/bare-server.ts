import { createServer, Server as HttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

interface Template {
  liveStreamId: string;
  live: object;
  changes: string[];
  actorId: string;
}

/**
 * A bare Socket.IO server for comparison: no auth, no validation, no database, no recovery.
 * `live:join` puts the socket in the live's room; POST /emit broadcasts one `live:update` to it.
 */
export class BareServer {
  private constructor(
    private readonly http: HttpServer,
    private readonly io: Server,
    private readonly template: Template,
  ) {}

  private get room(): string {
    return `live:${this.template.liveStreamId}`;
  }

  static async start(template: {
    liveStreamId: string;
    live: object;
    changes: string[];
    actorId: string;
  }): Promise<BareServer> {
    const http = createServer();
    const io = new Server(http, { transports: ['websocket', 'polling'] });
    const room = `live:${template.liveStreamId}`;
    io.on('connection', (socket) => {
      socket.on('live:join', (_payload: unknown, ack: (answer: unknown) => void) => {
        void socket.join(room);
        ack({ ok: true, data: {} });
      });
    });
    http.on('request', (req, res) => {
      if (req.method !== 'POST' || req.url !== '/emit') return;
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const { title } = JSON.parse(body) as { title: string };
        io.to(room).emit('live:update', { ...template, live: { ...template.live, title } });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new BareServer(http, io, template);
  }

  /** The same broadcast without the HTTP trigger (for the relay-only comparison). */
  emit(title: string): void {
    this.io.to(this.room).emit('live:update', { ...this.template, live: { ...this.template.live, title } });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.io.close(resolve));
  }
}
