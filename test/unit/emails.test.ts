/**
 * Every notification template renders as an e-mail a person reads (SPEC §7): a subject, a plain-text
 * and an HTML body that say who did what and by when, one action link into the client application
 * (APP_URL) on the right object; no `undefined`, `null`, `[object Object]`, raw JSON, task token or
 * table key; every value escaped in the HTML.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDate } from '../../shared/notify/content';
import { appLink, renderEmail, type RenderedEmail } from '../../shared/notify/email';
import { renderSubject } from '../../shared/notify/subjects';
import { TEMPLATES } from '../../shared/notify/templates';
import { EMAIL_SAMPLES, type EmailSample } from '../support/email-samples';

const APP_URL = 'https://app.example.test';
const TASK_TOKEN = `AQCEAAAAKgAAAAMAAAAA${'x9Zq'.repeat(40)}`;
const render = (sample: Pick<EmailSample, 'template' | 'to' | 'at' | 'data'>, subject?: string): RenderedEmail =>
  renderEmail(
    {
      to: sample.to,
      template: sample.template,
      at: sample.at,
      data: sample.data,
      subject: subject ?? renderSubject(sample.template, sample.data),
    },
    { appUrl: APP_URL },
  );

/** What the reader sees of the HTML: the text between tags, entities decoded. */
const visibleText = (html: string) =>
  html
    .replace(/<\/?(?:strong|a)\b[^>]*>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
const normalise = (text: string) => text.replace(/\s+/g, ' ');

/** Nothing a reader should ever see: a missing value, a serialised object, raw JSON, a token, a table key. */
function expectReadable(email: RenderedEmail) {
  for (const [part, value] of [
    ['subject', email.subject],
    ['text', email.text],
    ['html', visibleText(email.html)],
  ] as const) {
    expect(value, part).not.toMatch(/\bundefined\b|\bnull\b|\[object |NaN|Invalid Date/);
    expect(value, part).not.toMatch(/[{[]\s*"|"\s*:\s*["{[\d]/); // raw JSON
    expect(value, part).not.toMatch(/[A-Za-z0-9+/_=-]{60,}/); // a task token or any long opaque string
    expect(value, part).not.toMatch(/\b(?:PS|WS|USER|TEAM|NOTE|ACT|INV)#/); // a table key
    expect(value.trim(), part).not.toBe('');
  }
}

describe('e-mail templates', () => {
  it('have a sample for every template (and every sample names a template)', () => {
    const sampled = new Set(EMAIL_SAMPLES.map((s) => s.template));
    expect(Object.keys(TEMPLATES).filter((t) => !sampled.has(t))).toEqual([]);
    expect([...sampled].filter((t) => !Object.hasOwn(TEMPLATES, t))).toEqual([]);
  });

  it('cover every template a call site records', () => {
    // `template: 'x.y'` (or a ternary of two names) in the use cases and the domain rules.
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = join(dir, name);
        return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
      });
    const root = resolve(import.meta.dirname, '../../shared');
    const recorded = new Set<string>();
    for (const file of [...files(join(root, 'features')), ...files(join(root, 'domain'))]) {
      for (const [, line] of readFileSync(file, 'utf8').matchAll(/template:([^\n]*)/g)) {
        for (const [, name] of line!.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) recorded.add(name!);
      }
    }
    // Recorded through a template literal: `access_request.${next.status}` (approved | declined).
    recorded.add('access_request.approved').add('access_request.declined');
    expect(recorded.size).toBeGreaterThan(20);
    expect([...recorded].filter((t) => !Object.hasOwn(TEMPLATES, t)).sort()).toEqual([]);
  });

  describe.each(EMAIL_SAMPLES)('$template: $name', (sample) => {
    const email = render(sample);
    const expected = appLink(APP_URL, sample.link);

    it('has a subject, a plain-text and an HTML body', () => {
      expect(email.subject.length).toBeGreaterThan(10);
      expect(email.text.split('\n').length).toBeGreaterThan(6);
      expect(email.html).toMatch(/^<!doctype html><html lang="en">/);
      expect(email.html).toContain(`<title>`);
      expectReadable(email);
    });

    it('links to the object in the client application, and only there', () => {
      expect(email.actionUrl).toBe(expected);
      expect(email.actionUrl.startsWith(`${APP_URL}/`)).toBe(true);
      expect(email.text).toContain(expected);
      const hrefs = [...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
      expect(hrefs.length).toBeGreaterThan(0);
      expect(new Set(hrefs)).toEqual(new Set([expected]));
      // Opening the link decides nothing: it names no decision and carries no token.
      expect(email.actionUrl).not.toMatch(/approve|decline|accept|token|[?#]/i);
    });

    it('says who did what, and by when', () => {
      for (const says of sample.says) {
        expect(normalise(email.text)).toContain(says);
        expect(visibleText(email.html)).toContain(says);
      }
      for (const never of sample.never ?? []) {
        expect(email.text).not.toContain(never);
        expect(email.html).not.toContain(never);
      }
      // The footer says why the recipient got it, and to which address.
      expect(email.text).toContain(`This message was sent to ${sample.to}`);
    });

    it('never shows a task token or a key that is in the data', () => {
      const leaky = render({
        ...sample,
        data: {
          ...sample.data,
          taskToken: TASK_TOKEN,
          pk: 'PS#ps00000001',
          sk: 'PARTNERSHIP',
          token: TASK_TOKEN,
          executionName: 'exec-secret-1',
        },
      });
      for (const part of [leaky.subject, leaky.text, leaky.html]) {
        expect(part).not.toContain(TASK_TOKEN.slice(0, 24));
        expect(part).not.toContain('PS#');
        expect(part).not.toContain('exec-secret-1');
      }
    });

    it('escapes every value in the HTML (a name with <script> stays text)', () => {
      const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';
      const data = Object.fromEntries(
        Object.entries(sample.data).map(([key, value]) => [
          key,
          typeof value === 'string' && !/Id$|At$/.test(key) ? `${value} ${hostile}` : value,
        ]),
      );
      const attacked = render({ ...sample, data, to: sample.to });
      expect(attacked.html).not.toMatch(/<script|<img/i);
      expect(attacked.html).toContain('&lt;script&gt;');
      expect(visibleText(attacked.html)).toContain(hostile);
      // Ids become URL path segments, encoded: they cannot leave the attribute or the application.
      const byId = render({ ...sample, data: { ...sample.data, partnershipId: '"><script>x', teamId: '../../evil', accountId: 'a/b?c' } });
      expect(byId.html).not.toContain('"><script>');
      expect(byId.actionUrl.startsWith(`${APP_URL}/`)).toBe(true);
      expect(byId.actionUrl).not.toMatch(/\/\.\.\//);
    });

    it('still reads well when the data is missing (no undefined, the start page as link)', () => {
      const bare = render({ ...sample, data: {} });
      expectReadable(bare);
      expect(bare.actionUrl).toBe(`${APP_URL}/`);
      const mistyped = render({ ...sample, data: Object.fromEntries(Object.keys(sample.data).map((k) => [k, { nested: [1] }])) });
      expectReadable(mistyped);
    });
  });

  it('renders a template it does not know as a generic e-mail with a link to the object', () => {
    const email = render({
      template: 'partnership.recertification_due',
      to: 'a@example.com',
      at: '2031-01-01T00:00:00.000Z',
      data: { partnershipId: 'p1', x: { y: 1 } },
    });
    expect(email.subject).toBe('An update from Partnerships: partnership recertification due');
    expect(email.actionUrl).toBe(`${APP_URL}/partnerships/p1`);
    expectReadable(email);
  });

  it('formats times for people, in UTC', () => {
    expect(formatDate('2031-12-30T14:05:00.000Z')).toBe('30 December 2031, 14:05 UTC');
    expect(formatDate('not a date')).toBeUndefined();
  });

  it('joins APP_URL and the path without a double slash', () => {
    expect(appLink('https://app.example.test/', ['teams', 't 1'])).toBe('https://app.example.test/teams/t%201');
    expect(appLink('https://app.example.test/base', [])).toBe('https://app.example.test/base/');
  });
});
