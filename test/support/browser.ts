import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's chromium package, which .ci/run installs. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // tests run as root
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const haveChromium = existsSync(CHROMIUM);

/**
 * `describe` for tests that need a browser: without chromium they are skipped on a developer's
 * machine (with a warning) and fail in CI, where .ci/run installs it.
 */
export function describeInBrowser(what: string, tests: () => void): void {
  const runs = haveChromium || Boolean(process.env.CI);
  if (!runs) console.warn(`${what}: skipped, no ${CHROMIUM}`);
  (runs ? describe : describe.skip)(what, tests);
}

/** Headless Chromium; throws in CI when it is missing. */
export function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
