/** Reading a synthesized template: functions, their roles and the IAM statements those roles get. */
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export type Resources = Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

export interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown[];
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function ofType(resources: Resources, type: string): Array<[string, any]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

export function logicalId(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function normalize(statement: any): Statement {
  return { Effect: statement.Effect, Action: asArray(statement.Action), Resource: asArray(statement.Resource) };
}

/** Every Allow statement anywhere in the template (policies, managed policies, inline role policies). */
export function allStatements(resources: Resources): Array<{ owner: string; statement: Statement }> {
  const found: Array<{ owner: string; statement: Statement }> = [];
  for (const [id, r] of Object.entries(resources)) {
    const documents: any[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') documents.push(r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') for (const p of asArray(r.Properties.Policies)) documents.push(p.PolicyDocument);
    for (const doc of documents) for (const s of asArray(doc.Statement)) found.push({ owner: id, statement: normalize(s) });
  }
  return found;
}

/** The statements that apply to a role: its DefaultPolicy and any policy/managed policy attached to it. */
export function roleStatements(resources: Resources, roleId: string): Statement[] {
  const statements: Statement[] = [];
  const role = resources[roleId];
  for (const p of asArray(role?.Properties?.Policies)) statements.push(...asArray(p.PolicyDocument.Statement).map(normalize));
  if (asArray(role?.Properties?.ManagedPolicyArns).length > 0) {
    throw new Error(`Role ${roleId} has managed policies: least privilege is checked on inline grants only`);
  }
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = asArray<any>(r.Properties.Roles);
    if (roles.some((ref) => ref?.Ref === roleId)) statements.push(...asArray(r.Properties.PolicyDocument.Statement).map(normalize));
  }
  return statements;
}

/** The role logical id of a function (`Role: {Fn::GetAtt: [roleId, Arn]}`). */
export function functionRoleId(resources: Resources, functionId: string): string {
  const role = resources[functionId]?.Properties.Role;
  const roleId = role?.['Fn::GetAtt']?.[0];
  if (typeof roleId !== 'string') throw new Error(`Function ${functionId} has no role of this stack`);
  return roleId;
}

export function functionActions(resources: Resources, functionId: string): Set<string> {
  const actions = new Set<string>();
  for (const s of roleStatements(resources, functionRoleId(resources, functionId))) {
    if (s.Effect === 'Allow') for (const a of s.Action) actions.add(a);
  }
  return actions;
}
