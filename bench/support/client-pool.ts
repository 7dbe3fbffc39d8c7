import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { WorkerCommand } from './client-worker';

/**
 * Socket.IO clients spread over worker processes (the same harness for the app and for the bare
 * server). Each method sends one command to every worker and waits for all their answers.
 */
export class ClientPool {
  private constructor(private readonly workers: ChildProcess[]) {}

  static start(count: number): ClientPool {
    const workers = Array.from({ length: count }, () =>
      fork(join(__dirname, 'client-worker.ts'), [], {
        execArgv: ['-r', 'ts-node/register/transpile-only'],
        stdio: 'inherit',
      }),
    );
    return new ClientPool(workers);
  }

  /** Connects the tokens' clients (split across workers); joins them to a live when given. Returns failures. */
  async connect(url: string, tokens: string[], liveStreamId?: string): Promise<number> {
    const shares = this.workers.map((_, w) => tokens.filter((__, i) => i % this.workers.length === w));
    const answers = await Promise.all(
      this.workers.map((worker, w) =>
        this.ask<{ failures: number }>(worker, { type: 'connect', url, tokens: shares[w], liveStreamId }, 'connected'),
      ),
    );
    return answers.reduce((sum, a) => sum + a.failures, 0);
  }

  async listen(event: string): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.ask(worker, { type: 'listen', event }, 'listening')));
  }

  async collect(): Promise<{ deliveries: number; latencies: number[]; lastAt: number }> {
    const answers = await Promise.all(
      this.workers.map((worker) =>
        this.ask<{ deliveries: number; latencies: number[]; lastAt: number }>(worker, { type: 'collect' }, 'collected'),
      ),
    );
    return {
      deliveries: answers.reduce((sum, a) => sum + a.deliveries, 0),
      latencies: answers.flatMap((a) => a.latencies),
      lastAt: Math.max(...answers.map((a) => a.lastAt)),
    };
  }

  async joinStorm(liveStreamId: string, spreadMs: number): Promise<{ latencies: number[]; failures: string[] }> {
    const startAt = Date.now() + 500;
    const answers = await Promise.all(
      this.workers.map((worker) =>
        this.ask<{ latencies: number[]; failures: string[] }>(
          worker,
          { type: 'joinstorm', liveStreamId, startAt, spreadMs },
          'joined',
        ),
      ),
    );
    return { latencies: answers.flatMap((a) => a.latencies), failures: answers.flatMap((a) => a.failures) };
  }

  /** Disconnects every client; the workers stay up for the next target. */
  async disconnect(): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.ask(worker, { type: 'disconnect' }, 'disconnected')));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise((resolve) => {
            if (worker.exitCode !== null) return resolve(undefined);
            worker.once('exit', resolve);
            worker.send({ type: 'close' } satisfies WorkerCommand);
          }),
      ),
    );
  }

  private ask<T>(worker: ChildProcess, command: WorkerCommand, answer: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`a client worker exited (code ${code})`));
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== answer) return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(message);
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.send(command);
    });
  }
}
