/**
 * One rendered e-mail in a real browser (headless Chromium, Debian's package; `.ci/run` installs it):
 * it lays out as an e-mail (one column of at most 600 px, the action button visible), its link opens
 * the client application, a hostile name stays text (no script runs), and a screenshot is saved as
 * docs/email-partnership-invitation.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { renderEmail } from '../../shared/notify/email';
import { renderSubject } from '../../shared/notify/subjects';
import { EMAIL_SAMPLES } from '../support/email-samples';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve(import.meta.dirname, '../../docs/email-partnership-invitation.png');
const APP_URL = 'http://localhost:5173';

const sample = EMAIL_SAMPLES.find((s) => s.template === 'partnership.invitation')!;
const render = (data: Record<string, unknown>) =>
  renderEmail({ ...sample, data, subject: renderSubject(sample.template, data) }, { appUrl: APP_URL });

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('a rendered e-mail in Chromium', () => {
  it('lays out as an e-mail with its action button, and is saved as a screenshot under docs/', async () => {
    const email = render(sample.data);
    const page = await browser.newPage({ viewport: { width: 760, height: 400 }, deviceScaleFactor: 1 });
    await page.setContent(email.html, { waitUntil: 'load' });
    expect(await page.title()).toBe(email.subject);
    const button = page.getByRole('link', { name: 'Review the invitation' });
    await expect(button.isVisible()).resolves.toBe(true);
    expect(await button.getAttribute('href')).toBe(`${APP_URL}/partnerships/${String(sample.data.partnershipId)}`);
    const heading = page.getByRole('heading', { level: 1 });
    expect(await heading.textContent()).toBe('Acme Host invites Globex Guest to a partnership');
    const card = await heading.evaluate((h) => h.closest('table')!.getBoundingClientRect().width);
    expect(card).toBeLessThanOrEqual(600);
    expect(card).toBeGreaterThan(400);
    // The preview text is for the inbox list only.
    await expect(page.getByText('Accept the terms or decline on behalf of Globex Guest.').isVisible()).resolves.toBe(false);

    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    const png = await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
    await page.close();
  });

  it('shows a hostile name as text: no script runs, no element is injected', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const email = render({ ...sample.data, hostName: `Acme ${hostile}` });
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.setContent(email.html, { waitUntil: 'load' });
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('script, img').count()).toBe(0);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(hostile);
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
