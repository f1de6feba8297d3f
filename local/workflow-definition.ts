/**
 * The state machine definition the local runner executes: the one CDK synthesizes (infra/synth.ts,
 * bundling skipped), never a hand-written copy. Takes the AWS::StepFunctions::StateMachine of the
 * template, resolves the tokens of its DefinitionString (Fn::Join, Ref, Fn::GetAtt) and parses it.
 *
 * The only local transformation: a TimeoutSeconds above 2,147,483 s (~24.8 days; the wait tasks have
 * 32 days) is clamped to that value, because Node's setTimeout, which the local runner times tasks
 * with, overflows above 2^31-1 ms and would time the task out at once.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import * as z from 'zod/mini';
import { synthTemplate } from '../infra/synth';

export const MAX_LOCAL_TIMEOUT_SECONDS = 2_147_483;

/** The parts of a synthesized template's resources read here (the rest passes through). */
const templateResources = z.record(
  z.string(),
  z.looseObject({
    Type: z.string(),
    Properties: z.optional(z.looseObject({ DefinitionString: z.optional(z.unknown()), Definition: z.optional(z.unknown()) })),
  }),
);
type TemplateResources = z.infer<typeof templateResources>;

/** The outline of a definition: a start state and typed states (aws-local-stepfunctions validates the rest). */
const definitionOutline = z.looseObject({ StartAt: z.string(), States: z.record(z.string(), z.looseObject({ Type: z.string() })) });

export interface LoadedDefinition {
  definition: StateMachineDefinition;
  /** Logical id of the state machine in the template. */
  logicalId: string;
  /** How long synthesizing the stack took. */
  synthMs: number;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'PartnershipsService',
};

/** Resolves the CloudFormation intrinsics a definition string uses, to stand-in strings. */
export function resolveIntrinsics(value: unknown, resources: TemplateResources): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, resources));
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  const [fn] = keys;
  if (keys.length === 1 && fn !== undefined) {
    const arg = object[fn];
    if (fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(resolveIntrinsics(p, resources))).join(separator);
    }
    if (fn === 'Ref') {
      const name = arg as string;
      if (name in PSEUDO) return PSEUDO[name];
      if (!(name in resources)) throw new Error(`Ref to unknown resource ${name}`);
      return `local:${name}`;
    }
    if (fn === 'Fn::GetAtt') {
      const [logicalId, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
      const resource = resources[logicalId];
      if (!resource) throw new Error(`Fn::GetAtt of unknown resource ${logicalId}`);
      if (resource.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
        return `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`;
      }
      return `local:${logicalId}.${attribute}`;
    }
    if (fn.startsWith('Fn::')) throw new Error(`unsupported intrinsic ${fn} in the state machine definition`);
  }
  return Object.fromEntries(keys.map((k) => [k, resolveIntrinsics(object[k], resources)]));
}

/** Clamps every TimeoutSeconds above what Node's timers can hold (the one local transformation). */
export function clampTimeouts(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach(clampTimeouts);
    return;
  }
  const object = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(object)) {
    if (key === 'TimeoutSeconds' && typeof value === 'number' && value > MAX_LOCAL_TIMEOUT_SECONDS) {
      object[key] = MAX_LOCAL_TIMEOUT_SECONDS;
    } else {
      clampTimeouts(value);
    }
  }
}

/** The definition of the (single) state machine of a synthesized template. */
export function definitionFromTemplate(template: { Resources?: unknown }): { definition: StateMachineDefinition; logicalId: string } {
  const resources = templateResources.parse(template.Resources ?? {});
  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  const [only, ...others] = machines;
  if (!only || others.length > 0) throw new Error(`expected one state machine in the template, found ${machines.length}`);
  const [logicalId, machine] = only;
  const raw = machine.Properties?.DefinitionString ?? machine.Properties?.Definition;
  if (raw === undefined) throw new Error(`the state machine ${logicalId} has no definition`);
  const text = typeof raw === 'string' ? raw : resolveIntrinsics(raw, resources);
  const definition: unknown = typeof text === 'string' ? JSON.parse(text) : text;
  definitionOutline.parse(definition);
  clampTimeouts(definition);
  // The outline is checked above; the runner's StateMachine validates the whole definition when it is built.
  return { definition: definition as StateMachineDefinition, logicalId };
}

/** Synthesizes the stack (no bundling, no template validation) and returns the runnable definition. */
export function loadWorkflowDefinition(): LoadedDefinition {
  const started = performance.now();
  // The CloudFormation validator that aws-cdk-lib runs on every synth costs seconds and adds nothing here.
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const template = synthTemplate();
    return { ...definitionFromTemplate(template), synthMs: Math.round(performance.now() - started) };
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}
