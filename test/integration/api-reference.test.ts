/**
 * GET /docs, the local API reference (local/docs.ts), opened in a real headless browser: Debian's
 * Chromium driven by playwright-core (`.ci/run` installs `chromium` with apt when it is missing). It
 * renders every operation of the route table from GET /openapi.json, fetches nothing from another
 * host, and its screenshot is saved as docs/api-reference.png (the README shows it).
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../local/router';
import { startLocalService, type LocalService } from '../../local/runtime';
import { routes } from '../../shared/routes';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
/** A fixed port when free, so that the screenshot (which shows the server's URL) is the same from run to run. */
const PREFERRED_PORT = 38417;

let service: LocalService;
let browser: Browser | undefined;

beforeAll(async () => {
  const options = { dynamoEndpoint: inject('dynamoEndpoint'), tableName: `docs_${randomBytes(6).toString('hex')}` };
  service = await startLocalService({ ...options, port: PREFERRED_PORT }).catch(() => startLocalService({ ...options, port: 0 }));
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

const METHOD_LABEL: Record<string, string> = { GET: 'GET', POST: 'POST', PUT: 'PUT', PATCH: 'PATCH', DELETE: 'DEL' };

describe('GET /docs', () => {
  it('renders every operation in headless Chromium, from this server only, and saves docs/api-reference.png', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const elsewhere: string[] = [];
    const origin = new URL(service.url).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('data:')) elsewhere.push(url);
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    const response = await page.goto(`${service.url}/docs`);
    expect(response?.status()).toBe(200);
    // Rendered: every operation's summary is on the page (the sidebar, all tags open), then the fonts.
    const summaries = routes.map((route) => route.summary);
    await page.waitForFunction((list: string[]) => list.every((s) => (globalThis as any).document.body.innerText.includes(s)), summaries, {
      timeout: 60_000,
      polling: 250,
    });
    await page.evaluate(() => (globalThis as any).document.fonts.ready);
    await page.waitForTimeout(500);

    // The sidebar lists every operation (all tags open): its summary, with its method.
    const sidebar = await page.locator('body').innerText();
    const missing = routes.filter((route) => !sidebar.includes(route.summary)).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    const wrongMethod: string[] = [];
    for (const route of routes) {
      const entry = await page.getByText(route.summary, { exact: true }).first().locator('xpath=..').innerText();
      if (!entry.includes(METHOD_LABEL[route.method]!)) wrongMethod.push(`${route.method} ${route.path}: ${entry}`);
    }
    expect(wrongMethod).toEqual([]);
    expect(elsewhere, 'requests to other hosts').toEqual([]);
    expect(pageErrors).toEqual([]);

    const screenshot = resolve(REPO_ROOT, 'docs/api-reference.png');
    const png = await page.screenshot({ path: screenshot });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
    await page.close();
  }, 120_000);

  it('serves the Scalar bundle from node_modules (no CDN)', async () => {
    const script = await fetch(`${service.url}/docs/scalar.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1_000_000);
    const html = await (await fetch(`${service.url}/docs`)).text();
    expect(html.match(/<script src="[^"]*"/g)).toEqual(['<script src="/docs/scalar.js"']);
  });
});
