/**
 * IAM as AWS evaluates a Lambda function's identity-based policy, read from the synthesized
 * template: each function's execution role, the statements of every policy attached to it (ARNs
 * resolved with the values CloudFormation would give at deploy time), and the decision on one
 * action on one resource. What this cannot evaluate (conditions, NotAction, managed policies) it
 * refuses to guess: it throws.
 */

export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** A function's execution role as the template writes it. */
export interface Role {
  /** As AWS names a role CloudFormation creates: the stack's name, then the role's logical id. */
  readonly name: string;
  readonly statements: readonly Statement[];
}

/** What CloudFormation only knows at deploy time, filled in with local values. */
export interface ArnValues {
  readonly region: string;
  readonly account: string;
  /** The physical name of the (one) resource of each type a policy names: a table, a bus. */
  readonly names: Readonly<Record<string, string>>;
  /** Attributes only known once deployed, by `Type.Attribute`: a table's `StreamArn`. */
  readonly attributes?: Readonly<Record<string, string>>;
}

type Resource = { Type: string; Properties?: Record<string, unknown> };
export type Template = { Resources: Record<string, Resource> };

/** How a resource's ARN is made from its physical name, by type (for `Fn::GetAtt [id, 'Arn']`). */
const ARNS: Record<string, (name: string, v: ArnValues) => string> = {
  'AWS::DynamoDB::Table': (name, v) => `arn:aws:dynamodb:${v.region}:${v.account}:table/${name}`,
  'AWS::Events::EventBus': (name, v) => `arn:aws:events:${v.region}:${v.account}:event-bus/${name}`,
};

const PSEUDO: Record<string, (v: ArnValues) => string> = {
  'AWS::Partition': () => 'aws',
  'AWS::Region': (v) => v.region,
  'AWS::AccountId': (v) => v.account,
  'AWS::URLSuffix': () => 'amazonaws.com',
};

const list = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T];

/**
 * A template value as a string. A resource this has no deploy-time value for resolves to a name no
 * request can carry (`unresolved:<id>.<attribute>`): a grant on it is never used.
 */
export function resolve(template: Template, value: unknown, values: ArnValues): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') {
    if (PSEUDO[node.Ref]) return PSEUDO[node.Ref]!(values);
    const type = template.Resources[node.Ref]?.Type;
    return (type && values.names[type]) ?? `unresolved:${node.Ref}`;
  }
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    const type = template.Resources[id]?.Type ?? '';
    const known = values.attributes?.[`${type}.${attribute}`];
    if (known) return known;
    const name = values.names[type];
    if (attribute === 'Arn' && name && ARNS[type]) return ARNS[type](name, values);
    return `unresolved:${id}.${attribute}`;
  }
  if (Array.isArray(node['Fn::Join'])) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(template, part, values)).join(separator);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} in a policy`);
}

function statementOf(template: Template, raw: Record<string, unknown>, values: ArnValues): Statement {
  for (const unsupported of ['Condition', 'NotAction', 'NotResource', 'NotPrincipal']) {
    if (unsupported in raw) throw new Error(`a policy statement with ${unsupported} is not evaluated here`);
  }
  return {
    effect: raw.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: list(raw.Action as string | string[]),
    resources: list(raw.Resource).map((resource) => resolve(template, resource, values)),
  };
}

/** The role whose ARN a function's `Role` property names, with every policy attached to it. */
export function roleOf(
  template: Template,
  functionLogicalId: string,
  values: ArnValues,
  stackName = 'ResourceConnections',
): Role {
  const fn = template.Resources[functionLogicalId];
  const roleId = (fn?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
  const role = roleId ? template.Resources[roleId] : undefined;
  if (!roleId || role?.Type !== 'AWS::IAM::Role') throw new Error(`${functionLogicalId} has no role in the template`);
  if (list(role.Properties?.ManagedPolicyArns).length > 0) {
    throw new Error(`${roleId} has managed policies, which are not evaluated here`);
  }
  const documents = [
    ...list(role.Properties?.Policies as { PolicyDocument: unknown }[]).map((policy) => policy.PolicyDocument),
    ...Object.values(template.Resources)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          list(r.Properties?.Roles).some((ref) => (ref as { Ref?: string }).Ref === roleId),
      )
      .map((policy) => policy.Properties!.PolicyDocument),
  ];
  const statements = documents.flatMap((document) =>
    list((document as { Statement: Record<string, unknown>[] }).Statement).map((raw) =>
      statementOf(template, raw, values),
    ),
  );
  return { name: `${stackName}-${roleId}`.slice(0, 64), statements };
}

/** IAM's wildcards: `*` any run of characters, `?` any one. */
function wildcard(pattern: string, flags = ''): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** Action names are case-insensitive; resource ARNs are not. */
export const actionMatches = (pattern: string, action: string): boolean => wildcard(pattern, 'i').test(action);
export const resourceMatches = (pattern: string, resource: string): boolean => wildcard(pattern).test(resource);

export type Decision = 'allow' | 'implicit-deny' | 'explicit-deny';

/** An explicit Deny wins; otherwise some Allow must name both the action and the resource. */
export function decide(role: Role, action: string, resource: string): Decision {
  const applies = (s: Statement) =>
    s.actions.some((a) => actionMatches(a, action)) && s.resources.some((r) => resourceMatches(r, resource));
  if (role.statements.some((s) => s.effect === 'Deny' && applies(s))) return 'explicit-deny';
  return role.statements.some((s) => s.effect === 'Allow' && applies(s)) ? 'allow' : 'implicit-deny';
}

/** The message AWS sends with a refusal, naming the session of the function that made the call. */
export function deniedMessage(
  caller: { role: Role; session: string },
  account: string,
  action: string,
  resource: string,
  decision: Exclude<Decision, 'allow'>,
): string {
  const why =
    decision === 'explicit-deny'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
  return (
    `User: arn:aws:sts::${account}:assumed-role/${caller.role.name}/${caller.session} ` +
    `is not authorized to perform: ${action} on resource: ${resource} ${why}`
  );
}
