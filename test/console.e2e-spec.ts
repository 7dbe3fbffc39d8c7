import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { Connection, Types } from 'mongoose';
import { Browser, chromium, Page } from 'playwright-core';
import { auth } from './support/gift-fixtures';
import { startTestApp, TestApp, userIds } from './support/test-app';

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
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];
/** Screenshots go to docs/ when SAVE_SCREENSHOTS is set (to refresh the README's), else to a temporary folder. */
const SHOTS = process.env.SAVE_SCREENSHOTS ? join(__dirname, '..', 'docs') : join(tmpdir(), 'console-shots');

// Without chromium the console cannot be tested: skipped on a developer's machine, a failure in CI.
const haveChromium = existsSync(CHROMIUM);
const describeInBrowser = haveChromium || process.env.CI ? describe : describe.skip;
if (!haveChromium && !process.env.CI) console.warn(`console tests skipped: no ${CHROMIUM}`);

describeInBrowser('the operator console in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let db: Connection;
  const outsideRequests: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ STATS_FLUSH_INTERVAL_MS: '200', VIEWER_BATCH_MS: '100' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    db = await mongoose.createConnection(t.config.mongodbUri!).asPromise();
  });
  afterAll(async () => {
    await db?.close();
    await browser?.close();
    await t?.close();
  });

  const post = (path: string, token: string, body: object = {}) => t.http().post(path).set(auth(token)).send(body);

  /**
   * Gives a live half an hour of history, as the minute counters would have written it, so the
   * charts have a past to draw (the live's start moves back with it).
   */
  async function withHistory(liveId: string): Promise<void> {
    const MINUTES = 30;
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const _id = new Types.ObjectId(liveId);
    await db.collection('live_streams').updateOne({ _id }, { $set: { startedAt: new Date(now - MINUTES * 60_000) } });
    await db.collection('live_minutes').insertMany(
      Array.from({ length: MINUTES }, (_, i) => {
        const viewers = Math.round(40 + 30 * Math.sin(i / 5) + i * 2);
        return {
          liveId: _id,
          minute: new Date(now - (MINUTES - i) * 60_000),
          viewers,
          joins: Math.round(viewers / 4),
          leaves: Math.round(viewers / 5),
          messages: viewers * 2,
          gifts: i % 3 === 0 ? 12 : 4,
          diamonds: i % 3 === 0 ? 1800 : 300,
        };
      }),
    );
  }

  /** Nothing on the page is wider than the window. */
  const noHorizontalScroll = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  for (const viewport of VIEWPORTS) {
    it(`signs in, follows a live's counts and charts, resolves a report and bans a user (${viewport.name}, ${viewport.width}x${viewport.height})`, async () => {
      const [adminId, hostId, viewerId, reporterId, spammerId] = userIds(`console-${viewport.name}`, 5);
      const admin = t.token({ sub: adminId, admin: true });
      const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
      page.on('request', (request) => {
        if (!request.url().startsWith(t.url)) outsideRequests.push(request.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      try {
        await page.goto(`${t.url}/console`);
        // A token without the admin role is turned away.
        await page.fill('#token', t.token(viewerId));
        await page.click('#sign-in-form button[type=submit]');
        await page.waitForSelector('#sign-in-error:has-text("no admin role")');
        await page.fill('#token', admin);
        await page.click('#sign-in-form button[type=submit]');
        await page.waitForSelector('#socket-state.on');
        expect(await noHorizontalScroll(page)).toBe(true);

        // A new live appears, and its viewer count follows a join, over the socket.
        const host = t.token({ sub: hostId, name: 'Console host' });
        const live = (
          await post('/api/live/create', host, { liveType: 'live', title: `Karaoke ${viewport.name}` }).expect(201)
        ).body;
        await withHistory(live.id);
        const card = `[data-live-id="${live.id}"]`;
        await page.waitForSelector(card);
        expect(await page.textContent(`${card} [data-count="viewers"]`)).toBe('0');
        await post(`/api/live/${live.id}/join`, t.token(viewerId)).expect(200);
        await page.waitForSelector(`${card} [data-count="viewers"]:text-is("1")`);
        await post(`/api/live/${live.id}/message`, t.token(viewerId), { text: 'hello console' }).expect(201);

        // Its page draws viewers and gifts over time.
        await page.click(card);
        await page.waitForSelector('#viewers-chart');
        await page.waitForFunction(
          () => Number(document.querySelector('#viewers-chart')?.parentElement?.dataset.points) > 0,
        );
        await page.waitForFunction(
          () => Number(document.querySelector('#gifts-chart')?.parentElement?.dataset.points) > 0,
        );
        const drawn = await page.evaluate(() => {
          const charts = (window as unknown as { consoleCharts: Record<string, { data: { datasets: unknown[] } }> })
            .consoleCharts;
          return Object.fromEntries(Object.entries(charts).map(([name, chart]) => [name, chart.data.datasets.length]));
        });
        expect(drawn).toEqual({ viewers: 2, gifts: 2 });
        expect(await noHorizontalScroll(page)).toBe(true);
        await page.screenshot({ path: join(SHOTS, `console-${viewport.name}-live.png`), fullPage: true });

        // A report, resolved from the queue.
        const message = await post(`/api/live/${live.id}/message`, t.token(viewerId), { text: 'buy followers here' });
        await post(`/api/live/${live.id}/join`, t.token(reporterId)).expect(200);
        const filed = await post('/api/reports', t.token(reporterId), {
          targetType: 'message',
          targetId: message.body.id,
          reason: 'spam',
          text: 'advertising',
        }).expect(201);
        await page.click('[data-tab="reports"]');
        const reportCard = `[data-report-id="${filed.body.id}"]`;
        await page.waitForSelector(reportCard);
        expect(await noHorizontalScroll(page)).toBe(true);
        await page.screenshot({ path: join(SHOTS, `console-${viewport.name}-reports.png`), fullPage: true });
        await page.selectOption(`${reportCard} .resolve-action`, 'delete_message');
        await page.click(`${reportCard} .resolve-button`);
        await page.waitForSelector(`${reportCard}:has-text("Resolved: delete_message (applied)")`);
        const resolved = await t
          .http()
          .get(`/api/admin/reports?status=resolved&targetId=${message.body.id}`)
          .set(auth(admin));
        expect(resolved.body.items[0]).toMatchObject({ id: filed.body.id, resolution: { action: 'delete_message' } });

        // A ban from the bans page.
        await post(`/api/live/${live.id}/join`, t.token(spammerId)).expect(200);
        await page.click('[data-tab="bans"]');
        await page.fill('#ban-user', spammerId);
        await page.selectOption('#ban-duration', '86400000');
        await page.click('#ban-form button[type=submit]');
        await page.waitForSelector(`[data-ban-user="${spammerId}"]`);
        const standing = await t
          .http()
          .get('/api/me/ban')
          .set(auth(t.token(spammerId)));
        expect(standing.body).toMatchObject({ banned: true, until: expect.any(String) });
        expect(await noHorizontalScroll(page)).toBe(true);

        await page.click('[data-tab="audit"]');
        await page.waitForSelector('[data-audit-id]:has-text("ban from app")');
        expect(await noHorizontalScroll(page)).toBe(true);
        await page.screenshot({ path: join(SHOTS, `console-${viewport.name}-audit.png`), fullPage: true });
        expect(errors).toEqual([]);
        expect(outsideRequests).toEqual([]);
      } finally {
        await page.close();
      }
    }, 60_000);
  }
});
