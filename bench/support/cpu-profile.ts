import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/**
 * BENCH_CPU_PROFILE=<dir>: a CPU profile of this process (the server side: the app, or a bare
 * server) from this call to `stop(name)`, written as <dir>/<name's first word>.cpuprofile
 * (open it in Chrome's DevTools). Without the variable: undefined, nothing is recorded.
 */
export async function startProfile(): Promise<{ stop: (name: string) => Promise<void> } | undefined> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async (name) => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(dir, `${name.split(' ')[0]}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}
