/**
 * cdk-nag AwsSolutions checks on the whole stack (bundling skipped): no unsuppressed error, and a
 * written reason for every acknowledgement. infra/app.ts runs the same pack on every `cdk synth`.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack } from '../../infra/synth';

type Report = ReturnType<AwsSolutionsChecks['validateScope']>;

let report: Report;
let acknowledgements: Array<{ path: string; id: string; reason: string }>;

beforeAll(() => {
  const { app } = buildStack();
  report = new AwsSolutionsChecks().validateScope(app);
  acknowledgements = app.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
    );
});

const describeViolations = (severity: string) =>
  report.violations
    .filter((v) => v.severity === severity)
    .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

describe('cdk-nag AwsSolutions', () => {
  it('reports no unsuppressed error', () => {
    expect(describeViolations('error')).toEqual([]);
  });

  it('reports no unsuppressed warning', () => {
    expect(describeViolations('warning')).toEqual([]);
  });

  it('has a written reason for every acknowledgement', () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const a of acknowledgements) {
      expect(a.id, a.path).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
    }
  });

  it('acknowledges wildcard resources only where IAM allows nothing narrower', () => {
    for (const a of acknowledgements.filter((x) => x.id.includes('IAM5'))) {
      expect(a.id, a.path).toMatch(/IAM5\[Resource::\*\]|IAM5\[Resource::<[^>]+>:\*\]/);
    }
  });
});
