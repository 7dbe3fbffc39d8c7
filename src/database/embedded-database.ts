import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Where the launcher and its pom live (the repo's embedded-db folder). */
const EMBEDDED_DB_DIR = resolve(__dirname, '..', '..', 'embedded-db');

/** How long a start may take by default, Maven's first download of the jars included. */
export const DEFAULT_START_TIMEOUT_MS = 180_000;

export class EmbeddedDatabaseUnavailable extends Error {}

export interface EmbeddedDatabaseOptions {
  /** A data file path for the persistent H2 backend; in memory when absent. */
  dataFile?: string;
  /** Where the resolved Maven classpath is cached between runs. */
  cacheDir: string;
  /** Resolving the jars and starting the server must end within this, or the start fails. */
  startTimeoutMs?: number;
  /** The launcher source to run (default: embedded-db/Launcher.java); bench:durable compares another. */
  launcher?: string;
}

/**
 * mongo-java-server run with the machine's Java: a MongoDB wire-protocol server whose
 * single-document updates are atomic. The JVM watches its stdin and exits when we go away.
 */
export class EmbeddedDatabase {
  private constructor(
    private readonly child: ChildProcess,
    readonly uri: string,
    readonly description: string,
  ) {}

  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const timedOut = (stage: string) =>
      new EmbeddedDatabaseUnavailable(
        `the embedded database did not start within ${timeoutMs} ms (${stage}). ` +
          'Raise EMBEDDED_DB_START_TIMEOUT_MS, or set MONGODB_URI to use a MongoDB server instead.',
      );
    const classpath = await resolveClasspath(options.cacheDir, deadline, timedOut);
    const args = ['-Xss4m', '-cp', classpath, options.launcher ?? join(EMBEDDED_DB_DIR, 'Launcher.java')];
    args.push(...(options.dataFile ? ['h2', options.dataFile] : ['memory']));
    const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await waitForPort(child, deadline, timedOut);
    const description = options.dataFile
      ? `embedded mongo-java-server (H2 data file ${options.dataFile})`
      : 'embedded mongo-java-server (in memory)';
    return new EmbeddedDatabase(child, `mongodb://127.0.0.1:${port}`, description);
  }

  private get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** A crash of the database alone (SIGKILL): nothing is committed or closed. For durability tests. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** Asks Maven once for the jars' classpath (downloading them into ~/.m2), then reuses the answer. */
async function resolveClasspath(
  dataDir: string,
  deadline: number,
  timedOut: (stage: string) => Error,
): Promise<string> {
  // Absolute: Maven resolves a relative output file against the pom's folder, not our cwd.
  const cacheDir = resolve(dataDir);
  const pom = join(EMBEDDED_DB_DIR, 'pom.xml');
  const cacheFile = join(cacheDir, 'embedded-db.classpath');
  const pomText = readFileSync(pom, 'utf8');
  if (existsSync(cacheFile)) {
    const [cachedPom, classpath] = readFileSync(cacheFile, 'utf8').split('\n---\n');
    if (cachedPom === pomText && classpath.split(':').every((jar) => existsSync(jar))) return classpath;
  }
  await requireCommand('java', ['-version'], deadline, timedOut);
  await requireCommand('mvn', ['-v'], deadline, timedOut);
  const outputFile = join(cacheDir, 'embedded-db.classpath.tmp');
  mkdirSync(cacheDir, { recursive: true });
  try {
    await execFileAsync(
      'mvn',
      ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${outputFile}`],
      { maxBuffer: 10 * 1024 * 1024, timeout: remaining(deadline, timedOut, 'Maven resolving the jars') },
    );
  } catch (error) {
    if (Date.now() >= deadline) throw timedOut('Maven resolving the jars');
    throw new EmbeddedDatabaseUnavailable(
      `Maven could not resolve the embedded database's jars (${(error as Error).message.split('\n')[0]}). ` +
        'Check access to Maven Central, or set MONGODB_URI to use a MongoDB server instead.',
    );
  }
  const classpath = readFileSync(outputFile, 'utf8').trim();
  writeFileSync(cacheFile, `${pomText}\n---\n${classpath}`);
  return classpath;
}

/** Milliseconds left before the deadline (at least 1), or the timeout error when none are. */
function remaining(deadline: number, timedOut: (stage: string) => Error, stage: string): number {
  const left = deadline - Date.now();
  if (left <= 0) throw timedOut(stage);
  return left;
}

async function requireCommand(
  command: string,
  args: string[],
  deadline: number,
  timedOut: (stage: string) => Error,
): Promise<void> {
  try {
    await execFileAsync(command, args, { timeout: remaining(deadline, timedOut, `checking for ${command}`) });
  } catch {
    if (Date.now() >= deadline) throw timedOut(`checking for ${command}`);
    throw new EmbeddedDatabaseUnavailable(
      `'${command}' was not found: the embedded database needs Java 17+ and Maven. ` +
        'Install them, or set MONGODB_URI to use a MongoDB server instead.',
    );
  }
}

/** Resolves with the port the server prints; past the deadline the JVM is killed and the start fails. */
function waitForPort(child: ChildProcess, deadline: number, timedOut: (stage: string) => Error): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let output = '';
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        reject(timedOut('waiting for the server to listen'));
      },
      Math.max(0, deadline - Date.now()),
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolvePort(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new EmbeddedDatabaseUnavailable(error.message));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EmbeddedDatabaseUnavailable(`the embedded database exited (code ${code}): ${output}`));
    });
  });
}
