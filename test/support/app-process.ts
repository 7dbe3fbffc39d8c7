import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './free-port';
import { sleep, testEnv } from './test-app';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The app as a real child process (src/main.ts through ts-node), so a test can run several
 * instances side by side and kill one. Environment: the test defaults plus the given overrides.
 */
export class AppProcess {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.record(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.record(chunk));
  }

  /**
   * Starts an instance and resolves once /api/health/ready answers 200. With `processGroup` the
   * app leads a process group of its own, so killProcessGroup() takes what it started with it.
   * `discardStdout` sends its stdout (the JSON log) to /dev/null, for benchmarks that pay for log
   * lines but not for reading them.
   */
  static async start(
    env: Record<string, string>,
    readyTimeoutMs = 60_000,
    options: { processGroup?: boolean; discardStdout?: boolean } = {},
  ): Promise<AppProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...testEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }, env.MONGODB_URI) },
      stdio: ['ignore', options.discardStdout ? 'ignore' : 'pipe', 'pipe'],
      detached: options.processGroup ?? false,
    });
    const app = new AppProcess(child, `http://127.0.0.1:${port}`);
    await app.waitUntilReady(readyTimeoutMs);
    return app;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** A crash: no shutdown hooks, no session persisted. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /**
   * A crash of the app and of everything it started (the embedded database's JVM) at the same
   * instant: SIGKILL to its process group (started with `processGroup`). Resolves once every
   * process of the group is gone, so a restart finds the data file unlocked.
   */
  async killProcessGroup(): Promise<void> {
    const group = this.child.pid!;
    const alive = () => {
      try {
        process.kill(-group, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) process.kill(-group, 'SIGKILL');
    while (alive()) await sleep(20);
    if (!this.exited) await new Promise((done) => this.child.once('exit', done));
  }

  /** A graceful stop (the app closes its server and exits). */
  async stop(): Promise<void> {
    if (!this.exited) this.resume();
    await this.signal('SIGTERM', 10_000);
  }

  /** Freezes the process (SIGSTOP): it keeps its connections and leases, and acts again on resume. */
  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** The last lines the process printed, for failure messages. */
  logTail(chars = 4000): string {
    return this.output.slice(-chars);
  }

  private async signal(signal: NodeJS.Signals, graceMs = 0): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill(signal);
    const timer = graceMs ? setTimeout(() => this.child.kill('SIGKILL'), graceMs) : undefined;
    await exited;
    clearTimeout(timer);
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`the app exited before it was ready:\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.url}/api/health/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    await this.kill();
    throw new Error(`the app was not ready within ${timeoutMs} ms:\n${this.logTail()}`);
  }

  private record(chunk: Buffer): void {
    this.output = (this.output + chunk.toString()).slice(-20_000);
  }
}
