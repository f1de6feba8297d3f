/**
 * The workflow machinery as synthesized: the state machine of docs/WORKFLOW.md (STANDARD, callback
 * tasks with a backstop timeout beyond 30 days, Catch/Choice shape), the hourly job schedule, stream
 * delivery of notifications, and who may send task responses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { buildStack } from '../../infra/synth';
import { definitionFromTemplate } from '../../local/workflow-definition';
import { routes } from '../../shared/routes';
import {
  RECERTIFICATION_TASK_TIMEOUT_SECONDS,
  ROUND_TASK_TIMEOUT_SECONDS,
  STATES,
  TERM_WAIT_STATES,
  WAIT_STATES,
} from '../../shared/workflow/tasks';
import { CONTINUE_EXECUTION_AFTER_MS } from '../../shared/domain/partnership-term';
import { functionActions, logicalId, ofType, type Resources } from './template-helpers';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mermaid } from '../../scripts/diagram';

process.env.CDK_VALIDATION = 'false';

let template: Record<string, any>;
let resources: Resources;
let definition: Record<string, any>;
let stack: ReturnType<typeof buildStack>['stack'];
const THIRTY_DAYS = 30 * 24 * 3600;

beforeAll(() => {
  stack = buildStack().stack;
  template = Template.fromStack(stack).toJSON();
  resources = template.Resources;
  // Clamped for local timers; the raw (unclamped) values are read with rawDefinition().
  definition = definitionFromTemplate(template).definition;
});

const rawDefinition = () => {
  const [, machine] = ofType(resources, 'AWS::StepFunctions::StateMachine')[0]!;
  const parts: unknown[] = machine.Properties.DefinitionString['Fn::Join'][1];
  return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
};

describe('approval state machine', () => {
  it('is one STANDARD state machine with logging (ALL) and X-Ray tracing', () => {
    const machines = ofType(resources, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    const props = machines[0]![1].Properties;
    expect(props.StateMachineType).toBe('STANDARD');
    expect(props.LoggingConfiguration.Level).toBe('ALL');
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
  });

  it('has exactly the states of docs/WORKFLOW.md', () => {
    expect(definition.StartAt).toBe(STATES.needsHostApproval);
    expect(Object.keys(definition.States).sort()).toEqual(Object.values(STATES).sort());
    const types = Object.fromEntries(Object.entries<any>(definition.States).map(([n, s]) => [n, s.Type]));
    expect(types).toMatchObject({
      'NeedsHostApproval?': 'Choice',
      AwaitHostApproval: 'Task',
      HostDecision: 'Choice',
      AwaitGuestAcceptance: 'Task',
      GuestDecision: 'Choice',
      AwaitResend: 'Task',
      ResendDecision: 'Choice',
      RecordExpiry: 'Task',
      RecordFailure: 'Fail',
      Active: 'Succeed',
      DeclinedByHost: 'Succeed',
      Cancelled: 'Succeed',
      Removed: 'Succeed',
      Expired: 'Succeed',
      AwaitRound: 'Task',
      RoundDecision: 'Choice',
      AwaitRecertification: 'Task',
      RecertificationDecision: 'Choice',
      RecordLapse: 'Task',
      Ended: 'Succeed',
      ContinuedAsNew: 'Succeed',
    });
  });

  it('makes the three wait tasks callback tasks with a timeout beyond the 30-day expiry', () => {
    const raw = rawDefinition();
    for (const [name, stage] of Object.entries(WAIT_STATES)) {
      const state = raw.States[name];
      expect(state.Resource, name).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
      expect(state.TimeoutSeconds, name).toBeGreaterThan(THIRTY_DAYS);
      expect(state.ResultPath).toBe('$.decision');
      expect(state.Parameters.Payload).toEqual({
        'partnershipId.$': '$.partnershipId',
        stage,
        'taskToken.$': '$$.Task.Token',
        'execution.$': '$$.Execution.Input',
      });
      expect(state.Catch).toEqual([
        { ErrorEquals: ['Expired', 'States.Timeout'], ResultPath: '$.error', Next: 'RecordExpiry' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
      ]);
      // Retries back off, and never match the Expired task failure.
      expect(state.Retry.length).toBeGreaterThan(0);
      for (const retry of state.Retry) {
        expect(retry.ErrorEquals).not.toContain('States.ALL');
        expect(retry.ErrorEquals).not.toContain('States.TaskFailed');
        expect(retry.ErrorEquals).not.toContain('Expired');
        expect(retry.BackoffRate).toBeGreaterThan(1);
      }
      expect(state.Retry.flatMap((r: any) => r.ErrorEquals)).toContain('Lambda.ServiceException');
    }
  });

  it('records expiry with a plain Lambda task, then ends in Expired', () => {
    const state = definition.States.RecordExpiry;
    expect(state.Resource).toMatch(/^arn:aws:lambda:/);
    expect(state.Parameters).toEqual({ 'partnershipId.$': '$.partnershipId', 'error.$': '$.error', 'execution.$': '$$.Execution.Input' });
    expect(state.Next).toBe('Expired');
    expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }]);
  });

  it('routes each decision by $.decision.outcome, anything else to RecordFailure', () => {
    const routesOf = (name: string) =>
      Object.fromEntries(
        definition.States[name].Choices.map((c: any) => {
          expect(c.Variable).toBe('$.decision.outcome');
          return [c.StringEquals, c.Next];
        }),
      );
    const ends = { cancelled: 'Cancelled', removed: 'Removed', expired: 'Expired' };
    expect(routesOf('HostDecision')).toEqual({ approved: 'AwaitGuestAcceptance', declined: 'DeclinedByHost', ...ends });
    // SPEC §10: an acceptance that starts a term goes on to the term life instead of ending in Active.
    expect(routesOf('GuestDecision')).toEqual({ accepted: 'Active', accepted_with_term: 'AwaitRound', declined: 'AwaitResend', ...ends });
    expect(routesOf('ResendDecision')).toEqual({ resent: 'AwaitGuestAcceptance', ...ends });
    for (const name of ['HostDecision', 'GuestDecision', 'ResendDecision']) expect(definition.States[name].Default).toBe('RecordFailure');
    expect(definition.States['NeedsHostApproval?']).toMatchObject({
      Choices: [{ Variable: '$.hostApprovalRequired', BooleanEquals: true, Next: 'AwaitHostApproval' }],
      Default: 'AwaitGuestAcceptance',
    });
  });
});

describe('the term life (SPEC §10)', () => {
  it('waits for the round, then for both confirmations, with callback tasks; loops for the next term', () => {
    const raw = rawDefinition();
    for (const [name, stage] of Object.entries(TERM_WAIT_STATES)) {
      const state = raw.States[name];
      expect(state.Resource, name).toMatch(/:states:::lambda:invoke\.waitForTaskToken$/);
      expect(state.ResultPath).toBe('$.decision');
      expect(state.Parameters.Payload).toEqual({
        'partnershipId.$': '$.partnershipId',
        stage,
        'taskToken.$': '$$.Task.Token',
        'execution.$': '$$.Execution.Input',
      });
      for (const retry of state.Retry) {
        for (const never of ['States.ALL', 'States.TaskFailed', 'Lapsed', 'ContinuedAsNew']) expect(retry.ErrorEquals).not.toContain(never);
      }
    }
    expect(raw.States.AwaitRound.Catch).toEqual([
      { ErrorEquals: ['Lapsed'], ResultPath: '$.error', Next: 'RecordLapse' },
      { ErrorEquals: ['ContinuedAsNew'], ResultPath: '$.error', Next: 'ContinuedAsNew' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
    ]);
    expect(raw.States.AwaitRecertification.Catch).toEqual([
      { ErrorEquals: ['Lapsed', 'States.Timeout'], ResultPath: '$.error', Next: 'RecordLapse' },
      { ErrorEquals: ['ContinuedAsNew'], ResultPath: '$.error', Next: 'ContinuedAsNew' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' },
    ]);
    const routesOf = (name: string) => Object.fromEntries(definition.States[name].Choices.map((c: any) => [c.StringEquals, c.Next]));
    expect(routesOf('RoundDecision')).toEqual({ opened: 'AwaitRecertification', removed: 'Removed' });
    expect(routesOf('RecertificationDecision')).toEqual({ renewed: 'AwaitRound', removed: 'Removed' });
    expect(definition.States.RecordLapse).toMatchObject({
      Next: 'Ended',
      Parameters: { 'partnershipId.$': '$.partnershipId', 'error.$': '$.error', 'execution.$': '$$.Execution.Input' },
    });
  });

  it('never lets an execution outlive the one-year limit: every term wait times out under it, and the job continues earlier', () => {
    const raw = rawDefinition();
    const year = 365 * 24 * 3600;
    expect(raw.States.AwaitRecertification.TimeoutSeconds).toBe(RECERTIFICATION_TASK_TIMEOUT_SECONDS);
    expect(raw.States.AwaitRecertification.TimeoutSeconds).toBeGreaterThan(14 * 24 * 3600);
    expect(raw.States.AwaitRound.TimeoutSeconds).toBe(ROUND_TASK_TIMEOUT_SECONDS);
    expect(raw.States.AwaitRound.TimeoutSeconds).toBeLessThan(year);
    // The job's continuation comes before the round's backstop, which comes before the limit.
    expect(CONTINUE_EXECUTION_AFTER_MS / 1000).toBeLessThan(ROUND_TASK_TIMEOUT_SECONDS);
    // No task of the machine may wait without a timeout (the local runner would default it to 60 s).
    for (const [name, state] of Object.entries<any>(raw.States)) {
      if (state.Type === 'Task') expect(state.TimeoutSeconds, name).toBeLessThan(year);
    }
  });
});

describe('scheduled job and delivery', () => {
  it('runs the reminder job hourly', () => {
    const schedule = stack.reminderSchedule;
    const jobId = logicalId(stack, schedule.function);
    const rules = ofType(resources, 'AWS::Events::Rule');
    const hourly = rules.filter(([, r]) => r.Properties.ScheduleExpression === 'rate(1 hour)');
    expect(hourly).toHaveLength(1);
    expect(hourly[0]![1].Properties.Targets.map((t: any) => t.Arn['Fn::GetAtt'][0])).toEqual([jobId]);
    const env = resources[jobId]!.Properties!.Environment.Variables;
    expect(env.STATE_MACHINE_ARN).toBeDefined();
    const actions = functionActions(resources, jobId);
    expect([...actions].filter((a) => a.startsWith('states:')).sort()).toEqual([
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
      'states:StartExecution',
    ]);
    expect(actions.has('dynamodb:Query')).toBe(true);
    expect(actions.has('dynamodb:Scan')).toBe(false);
  });

  it('delivers NOTIFICATION inserts from the stream with bisect, retries and a DLQ; SES scoped to the sender', () => {
    const delivery = stack.notificationDelivery;
    const fnId = logicalId(stack, delivery.function);
    const [mapping] = ofType(resources, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => m.Properties.FunctionName.Ref === fnId);
    const props = mapping![1].Properties;
    expect(props.BisectBatchOnFunctionError).toBe(true);
    expect(props.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(props.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]).toBe(logicalId(stack, delivery.deadLetterQueue));
    expect(props.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    const pattern = JSON.parse(props.FilterCriteria.Filters[0].Pattern);
    expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['NOTIFICATION'] } } } });
    expect(resources[fnId]!.Properties!.Environment.Variables.SENDER_EMAIL).toBe('no-reply@example.com');
    const ses = Object.values(template.Resources as Record<string, any>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().includes('ses:SendEmail'));
    expect(ses).toHaveLength(1);
    expect(JSON.stringify(ses[0].Resource)).toContain('identity/no-reply@example.com');
    expect(JSON.stringify(ses[0].Resource)).not.toContain('"*"');
  });

  it('gives the delivery function (and only it) APP_URL, the client application its e-mails link to', () => {
    const fnId = logicalId(stack, stack.notificationDelivery.function);
    expect(resources[fnId]!.Properties!.Environment.Variables.APP_URL).toBe('https://app.example.com');
    const others = ofType(resources, 'AWS::Lambda::Function').filter(([id]) => id !== fnId);
    expect(others.filter(([, f]) => f.Properties.Environment?.Variables?.APP_URL !== undefined)).toEqual([]);
    // Deploy-time context `appUrl`: normalised (no trailing slash); anything but an http(s) URL stops the synth.
    const configured = Template.fromStack(buildStack({ context: { appUrl: 'https://app.partners.example/' } }).stack).toJSON();
    const delivery = ofType(configured.Resources, 'AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.APP_URL);
    expect(delivery![1].Properties.Environment.Variables.APP_URL).toBe('https://app.partners.example');
    expect(() => buildStack({ context: { appUrl: 'javascript:alert(1)' } })).toThrow(/http\(s\) URL/);
    expect(() => buildStack({ context: { appUrl: 'not a url' } })).toThrow();
  });
});

describe('task responses', () => {
  it('only the await-decision function, the job and the decision routes may send task responses', () => {
    const schedule = stack.reminderSchedule;
    const allowed = new Set([logicalId(stack, (stack as any).workflow.awaitDecisionFunction), logicalId(stack, schedule.function)]);
    const routeFunctions = (stack as any).routeFunctions?.functions as Map<string, any> | undefined;
    for (const route of routes) {
      if (route.access.workflow?.includes('respond') && routeFunctions?.get(route.id))
        allowed.add(logicalId(stack, routeFunctions.get(route.id)));
    }
    const responders = ofType(resources, 'AWS::Lambda::Function')
      .filter(([id]) => functionActions(resources, id).has('states:SendTaskSuccess'))
      .map(([id]) => id);
    expect(responders.sort()).toEqual([...allowed].sort());
    // The state machine's other task functions (RecordExpiry, RecordLapse) get none.
    expect(responders).not.toContain(logicalId(stack, (stack as any).workflow.recordExpiryFunction));
    expect(responders).not.toContain(logicalId(stack, (stack as any).workflow.recordLapseFunction));
    // And no task function may Scan.
    for (const fn of (stack as any).workflow.taskFunctions)
      expect(functionActions(resources, logicalId(stack, fn)).has('dynamodb:Scan')).toBe(false);
  });
});

describe('the state machine diagram', () => {
  it('in the README and docs/state-machine.md is the synthesized definition (run `npm run diagram` after a change)', () => {
    const diagram = mermaid(definition);
    for (const file of ['README.md', 'docs/state-machine.md']) {
      expect(readFileSync(resolve(import.meta.dirname, '../..', file), 'utf8'), file).toContain(`\`\`\`mermaid\n${diagram}\n\`\`\``);
    }
  });
});
