/**
 * `npm run openapi:lint`: Redocly CLI's `lint` with the `recommended` ruleset (redocly.yaml) on
 * docs/openapi.json. Redocly fails only on errors; this fails on warnings too (the bar is 0 and 0).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const args = [cli, 'lint', 'docs/openapi.json', '--config', 'redocly.yaml'];

const report = spawnSync(process.execPath, [...args, '--format=json'], { env, encoding: 'utf8' });
let totals: { errors: number; warnings: number } | undefined;
try {
  totals = (JSON.parse(report.stdout) as { totals: { errors: number; warnings: number } }).totals;
} catch {
  process.stderr.write(report.stdout + report.stderr);
  console.error('openapi:lint: no report from redocly');
  process.exit(1);
}
if (totals.errors + totals.warnings > 0) {
  // The readable report of the same run.
  spawnSync(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  console.error(`openapi:lint: ${totals.errors} error(s), ${totals.warnings} warning(s) (recommended ruleset): fix them`);
  process.exit(1);
}
console.log(`openapi:lint: docs/openapi.json passes the recommended ruleset (${totals.errors} errors, ${totals.warnings} warnings)`);
