/**
 * shared/config.ts fails closed outside local mode: no default table, no fallback cursor key, and a
 * function missing a required setting stops at init with one log line that names settings, never
 * values. Local mode keeps its defaults.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ALWAYS_REQUIRED,
  MissingSettingsError,
  checkAtInit,
  config,
  readConfig,
  requireSetting,
  requireSettings,
  requireSettingsAtInit,
  resetConfigForTests,
} from '../../shared/config';

const SECRET = 'super-secret-cursor-key-value';
const aws = { TABLE_NAME: 'prod-table', CURSOR_SECRET: SECRET, AWS_REGION: 'eu-west-1' };

function capture() {
  const lines: string[] = [];
  return { lines, log: (line: string) => lines.push(line) };
}

describe('readConfig outside local mode', () => {
  it('reads the settings, without defaults', () => {
    expect(readConfig({ ...aws, STATE_MACHINE_ARN: 'arn:sm', SENDER_EMAIL: 'a@b.c' })).toEqual({
      tableName: 'prod-table',
      region: 'eu-west-1',
      dynamoEndpoint: undefined,
      stateMachineArn: 'arn:sm',
      cursorSecret: SECRET,
      mode: 'aws',
      senderEmail: 'a@b.c',
    });
  });

  it.each([
    ['CURSOR_SECRET missing', { TABLE_NAME: 't' }, ['CURSOR_SECRET']],
    ['CURSOR_SECRET blank', { TABLE_NAME: 't', CURSOR_SECRET: '  ' }, ['CURSOR_SECRET']],
    ['TABLE_NAME empty', { TABLE_NAME: '', CURSOR_SECRET: SECRET }, ['TABLE_NAME']],
    ['both missing', {}, ['TABLE_NAME', 'CURSOR_SECRET']],
    ['SERVICE_MODE other than local', { SERVICE_MODE: 'aws', TABLE_NAME: 't' }, ['CURSOR_SECRET']],
  ])('throws on %s, naming the settings and no value', (_case, env, missing) => {
    let error: unknown;
    try {
      readConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingSettingsError);
    expect((error as MissingSettingsError).missing).toEqual(missing);
    for (const name of missing) expect((error as Error).message).toContain(name);
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as Error).message).not.toContain('local-cursor-secret');
  });

  it('never falls back to the local cursor key', () => {
    expect(() => readConfig({ TABLE_NAME: 't' })).toThrow(/CURSOR_SECRET/);
  });
});

describe('local mode', () => {
  it('keeps its defaults', () => {
    const cfg = readConfig({ SERVICE_MODE: 'local' });
    expect(cfg).toMatchObject({ mode: 'local', tableName: 'partnerships', cursorSecret: 'local-cursor-secret' });
  });

  it('uses what is set', () => {
    expect(readConfig({ SERVICE_MODE: 'local', TABLE_NAME: 't', CURSOR_SECRET: 'k' })).toMatchObject({ tableName: 't', cursorSecret: 'k' });
  });

  it('links e-mails to a local client application unless APP_URL says otherwise; deployed, APP_URL has no default', () => {
    expect(readConfig({ SERVICE_MODE: 'local' }).appUrl).toBe('http://localhost:5173');
    expect(readConfig({ SERVICE_MODE: 'local', APP_URL: 'http://127.0.0.1:8080/' }).appUrl).toBe('http://127.0.0.1:8080');
    expect(readConfig({ ...aws, APP_URL: 'https://app.example.com' }).appUrl).toBe('https://app.example.com');
    expect(readConfig(aws).appUrl).toBeUndefined();
    const { lines, log } = capture();
    expect(() => requireSettings(['SENDER_EMAIL', 'APP_URL'], { ...aws, SENDER_EMAIL: 'a@b.c' }, log)).toThrow(MissingSettingsError);
    expect(lines.join('\n')).toContain('APP_URL');
  });

  it('is what the test setup runs in (config() works here)', () => {
    resetConfigForTests();
    expect(config().mode).toBe('local');
    expect(config().cursorSecret).toBe('test-cursor-secret');
  });
});

describe('requireSettings', () => {
  it('passes when everything is set and logs nothing', () => {
    const { lines, log } = capture();
    requireSettings(['STATE_MACHINE_ARN', ...ALWAYS_REQUIRED], { ...aws, STATE_MACHINE_ARN: 'arn:sm' }, log);
    expect(lines).toEqual([]);
  });

  it('stops with one log line naming the missing settings, never a value', () => {
    const { lines, log } = capture();
    expect(() =>
      requireSettings(['TABLE_NAME', 'CURSOR_SECRET', 'STATE_MACHINE_ARN'], { ...aws, AWS_LAMBDA_FUNCTION_NAME: 'fn-1' }, log),
    ).toThrow(MissingSettingsError);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'ERROR', missingSettings: ['STATE_MACHINE_ARN'], function: 'fn-1' });
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain('prod-table');
  });

  it('does nothing in local mode', () => {
    const { lines, log } = capture();
    requireSetting('STATE_MACHINE_ARN', { SERVICE_MODE: 'local' }, log);
    expect(lines).toEqual([]);
  });
});

describe('the check at init', () => {
  it('runs only in a Lambda runtime outside local mode', () => {
    const { lines, log } = capture();
    expect(checkAtInit({ ...aws }, log)).toBe(false); // not Lambda: config() checks at first use
    expect(checkAtInit({ AWS_LAMBDA_FUNCTION_NAME: 'fn', SERVICE_MODE: 'local' }, log)).toBe(false);
    expect(checkAtInit({ ...aws, AWS_LAMBDA_FUNCTION_NAME: 'fn' }, log)).toBe(true);
    expect(() => checkAtInit({ TABLE_NAME: 't', AWS_LAMBDA_FUNCTION_NAME: 'fn' }, log)).toThrow(/CURSOR_SECRET/);
    expect(lines).toHaveLength(1);
  });

  const importModule = (module: string, env: Record<string, string>) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(resolve(module)).href)});`],
      { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 },
    );
  const importConfig = (env: Record<string, string>) => importModule('shared/config.ts', env);

  it('requireSettingsAtInit checks only in a Lambda runtime outside local mode', () => {
    const { lines, log } = capture();
    expect(requireSettingsAtInit(['STATE_MACHINE_ARN'], { ...aws }, log)).toBe(false);
    expect(requireSettingsAtInit(['STATE_MACHINE_ARN'], { AWS_LAMBDA_FUNCTION_NAME: 'fn', SERVICE_MODE: 'local' }, log)).toBe(false);
    expect(requireSettingsAtInit(['STATE_MACHINE_ARN'], { ...aws, AWS_LAMBDA_FUNCTION_NAME: 'fn', STATE_MACHINE_ARN: 'arn:sm' }, log)).toBe(
      true,
    );
    expect(() => requireSettingsAtInit(['STATE_MACHINE_ARN'], { ...aws, AWS_LAMBDA_FUNCTION_NAME: 'fn' }, log)).toThrow(
      /STATE_MACHINE_ARN/,
    );
    expect(lines).toHaveLength(1);
  });

  // The functions that start or resume executions: a route declaring workflow access, and the job.
  it.each(['functions/partnerships/create-partnership.ts', 'functions/partnerships/approve-partnership.ts', 'functions/jobs/reminders.ts'])(
    '%s stops at init without STATE_MACHINE_ARN, with one log line',
    (module) => {
      const env = { AWS_LAMBDA_FUNCTION_NAME: 'fn-wf', TABLE_NAME: 'prod-table', CURSOR_SECRET: SECRET };
      const run = importModule(module, env);
      expect(run.status).not.toBe(0);
      const ours = run.stderr.split('\n').filter((l) => l.startsWith('{"level":"ERROR"'));
      expect(ours).toHaveLength(1);
      expect(JSON.parse(ours[0]!)).toMatchObject({ missingSettings: ['STATE_MACHINE_ARN'], function: 'fn-wf' });
      expect(importModule(module, { ...env, STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:1:stateMachine:x' }).status).toBe(0);
    },
  );

  it('a route without workflow access loads without STATE_MACHINE_ARN', () => {
    const run = importModule('functions/partnerships/get-partnership.ts', {
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
      TABLE_NAME: 't',
      CURSOR_SECRET: SECRET,
    });
    expect(run.status).toBe(0);
  });

  it('stops a function missing CURSOR_SECRET when its module loads, with one log line', () => {
    const run = importConfig({
      AWS_LAMBDA_FUNCTION_NAME: 'partnerships-get-me',
      TABLE_NAME: 'prod-table',
      POWERTOOLS_SERVICE_NAME: 'partnerships',
    });
    expect(run.status).not.toBe(0);
    const ours = run.stderr.split('\n').filter((l) => l.startsWith('{"level":"ERROR"'));
    expect(ours).toHaveLength(1);
    expect(JSON.parse(ours[0]!)).toMatchObject({
      missingSettings: ['CURSOR_SECRET'],
      service: 'partnerships',
      function: 'partnerships-get-me',
    });
    expect(run.stderr).toMatch(/MissingSettingsError/);
    expect(run.stderr + run.stdout).not.toContain('prod-table');
  });

  it('lets a fully configured function load silently', () => {
    const run = importConfig({ AWS_LAMBDA_FUNCTION_NAME: 'fn', TABLE_NAME: 'prod-table', CURSOR_SECRET: SECRET });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
