import { Browser, Page } from 'playwright-core';
import { describeInBrowser, launchChromium } from './support/browser';
import { startTestApp, TestApp } from './support/test-app';

const WIDTH = 1400;

type Json = Record<string, any>;

describeInBrowser('the events page in a browser, 1,400 px wide', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let doc: Json;
  const outsideRequests: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs/asyncapi.json').expect(200)).body;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: WIDTH, height: 1000 } });
    page.on('request', (request) => {
      if (!request.url().startsWith(t.url)) outsideRequests.push(request.url());
    });
    await page.goto(`${t.url}/api/docs/events`);
    // The page marks itself once the renderer has drawn the document and unfolded the payloads.
    await page.waitForFunction(() => document.getElementById('asyncapi')?.dataset.unfolded === 'true', null, {
      timeout: 30_000,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders a section per event with its summary, receivers, payload fields and an example', async () => {
    const sections = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('#operations > ul > li')].map((li) => ({
        id: li.id,
        text: li.innerText,
        examples: [...li.querySelectorAll('pre')].map((pre) => pre.textContent ?? ''),
      })),
    );
    const missing: string[] = [];
    for (const [key, operation] of Object.entries<Json>(doc.operations)) {
      const section = sections.find((s) => s.id.endsWith(key));
      if (!section) {
        missing.push(`${operation.title}: no section`);
        continue;
      }
      const message = doc.components.messages[key];
      const payload = message.payload.$ref
        ? doc.components.schemas[message.payload.$ref.split('/').pop()]
        : message.payload;
      const expected = [
        operation.title,
        operation.summary,
        ...(operation.action === 'send' ? ['Sent to:'] : ['Expected Reply Messages']),
        ...Object.keys(payload.properties),
      ];
      missing.push(
        ...expected.filter((text) => !section.text.includes(text)).map((text) => `${operation.title}: ${text}`),
      );
      const example = JSON.stringify(message.examples[0].payload, null, 2);
      if (!section.examples.some((shown) => shown.replace(/\s/g, '') === example.replace(/\s/g, ''))) {
        missing.push(`${operation.title}: its example payload`);
      }
    }
    expect(missing).toEqual([]);
    expect(sections.length).toBe(Object.keys(doc.operations).length);
  });

  it('cuts nothing off and needs no horizontal scrolling', async () => {
    const overflowing = await page.evaluate((width) => {
      const found: string[] = [];
      const name = (el: Element) =>
        `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').slice(0, 60)}"`;
      if (document.documentElement.scrollWidth > width)
        found.push(`the page is ${document.documentElement.scrollWidth} px wide`);
      for (const el of document.querySelectorAll('#asyncapi *')) {
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) continue; // not displayed
        const style = getComputedStyle(el);
        if (rect.right > width + 1) found.push(`${name(el)} ends at ${Math.round(rect.right)} px`);
        const clips = style.overflowX !== 'visible';
        if (clips && el.scrollWidth > el.clientWidth + 1)
          found.push(`${name(el)} hides ${el.scrollWidth - el.clientWidth} px`);
        if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth)
          found.push(`${name(el)} is truncated`);
      }
      return found;
    }, WIDTH);
    expect(overflowing).toEqual([]);
  });

  it('loads everything from the app itself', () => {
    expect(outsideRequests).toEqual([]);
  });
});
