/** Percentile of a list of numbers (nearest rank); NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Prints rows as an aligned text table (also valid Markdown). */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  if (!rows.length) return;
  const headers = Object.keys(rows[0]);
  const cells = rows.map((row) => headers.map((h) => String(row[h])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  cells.forEach((c) => console.log(line(c)));
}

export const round = (value: number, digits = 0) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : 'n/a');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A line naming the machine, for every bench output. */
export function machineLine(): string {
  const os = require('node:os') as typeof import('node:os');
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, Node ${process.version}`;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const { execSync } = require('node:child_process') as typeof import('node:child_process');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  ticksPerSecond ??= Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
let ticksPerSecond: number | undefined;

/** Runs a bench's main and exits: 1 when it throws or answers false (a check failed), else 0. */
export function runBench(main: () => Promise<boolean | void>): void {
  main().then(
    (ok) => process.exit(ok === false ? 1 : 0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
