import { AddressInfo, createServer, Server, Socket } from 'node:net';

/**
 * A loopback TCP forwarder standing in for a load balancer and the network: new connections go to
 * the current target, so a client that reconnects after a drop can land on another instance with
 * the same URL; `cut()` drops every connection and refuses new ones (an outage) until `switchTo`.
 */
export class TcpSwitch {
  private readonly connections = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private target: URL | null,
  ) {
    server.on('connection', (client) => this.forward(client));
  }

  static async start(targetUrl: string): Promise<TcpSwitch> {
    const server = createServer();
    const tcpSwitch = new TcpSwitch(server, new URL(targetUrl));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return tcpSwitch;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Later connections go to this instance; open ones stay where they are. */
  switchTo(targetUrl: string): void {
    this.target = new URL(targetUrl);
  }

  /** An outage: open connections drop (the server sees a transport close), new ones are refused. */
  cut(): void {
    this.target = null;
    this.connections.forEach((c) => c.destroy());
  }

  async close(): Promise<void> {
    this.connections.forEach((c) => c.destroy());
    await new Promise((resolve) => this.server.close(resolve));
  }

  private forward(client: Socket): void {
    if (!this.target) return void client.destroy();
    const upstream = new Socket();
    upstream.connect(Number(this.target.port), this.target.hostname);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.connections.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.connections.delete(a);
        b.destroy();
      });
    }
  }
}
