/** The pure webhook rules: retry schedule, disabling, subscriptions, URL and address checks. */
import { describe, expect, it } from 'vitest';
import { RETRY_WINDOW_MS, addressAllowed, checkWebhookUrl, nextAttemptTime, shouldDisable, subscribes } from '../../shared/domain/webhooks';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('retry schedule', () => {
  it('waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 12 h, the last attempt 3 days after the first, then stops', () => {
    const times = [0];
    for (;;) {
      const last = times.at(-1) ?? 0;
      const next = nextAttemptTime(0, last, times.length);
      if (next === undefined) break;
      times.push(next);
    }
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps.slice(0, 6)).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H]);
    expect(gaps.slice(6, -1).every((g) => g === 12 * H)).toBe(true);
    expect(times.at(-1)).toBe(RETRY_WINDOW_MS);
    expect(times).toHaveLength(12);
  });

  it('disables an endpoint failing for 3 days, not before', () => {
    expect(shouldDisable(undefined, RETRY_WINDOW_MS * 2)).toBe(false);
    expect(shouldDisable(0, RETRY_WINDOW_MS - 1)).toBe(false);
    expect(shouldDisable(0, RETRY_WINDOW_MS)).toBe(true);
  });

  it('subscribes by type or "*", never to the test event', () => {
    expect(subscribes(['*'], 'share.revoked.v1')).toBe(true);
    expect(subscribes(['share.revoked.v1'], 'share.revoked.v1')).toBe(true);
    expect(subscribes(['share.revoked.v1'], 'share.created.v1')).toBe(false);
    expect(subscribes(['*'], 'webhook.test.v1')).toBe(false);
  });
});

describe('URL rules', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.1',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '100.64.0.1',
    '100.127.255.254',
    '169.254.169.254',
    '0.0.0.0',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '224.0.0.1',
    '255.255.255.255',
  ])('refuses %s', (address) => expect(addressAllowed(address)).toBe(false));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) =>
    expect(addressAllowed(address)).toBe(true),
  );

  it('allows https to public names; local http only to 127.0.0.1/localhost with a port, in local mode', () => {
    expect(checkWebhookUrl('https://hooks.example.com/in', 'aws').allowed).toBe(true);
    expect(checkWebhookUrl('http://hooks.example.com/in', 'aws').allowed).toBe(false);
    expect(checkWebhookUrl('http://127.0.0.1:8080/in', 'aws').allowed).toBe(false);
    expect(checkWebhookUrl('http://127.0.0.1:8080/in', 'local').allowed).toBe(true);
    expect(checkWebhookUrl('http://localhost:8080/in', 'local').allowed).toBe(true);
    expect(checkWebhookUrl('http://10.0.0.1:8080/in', 'local').allowed).toBe(false);
    expect(checkWebhookUrl('https://localhost/in', 'local').allowed).toBe(false);
    expect(checkWebhookUrl('https://[::ffff:7f00:1]/in', 'aws').allowed).toBe(false);
    expect(checkWebhookUrl('https://a.b@hooks.example.com/', 'aws').allowed).toBe(false);
  });
});
