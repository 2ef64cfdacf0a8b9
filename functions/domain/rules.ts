/**
 * The connection rules: which resource types exist, which may connect to which, and how a
 * connection's status may move. Validation, error messages, `/connection-rules` and the OpenAPI
 * enums all read these tables; nothing else restates them.
 */
import type { ResourceType, Status } from '#model/vocabulary.ts';

export interface ConnectionTarget {
  readonly targetResourceType: ResourceType;
  /** What a link of this pair means. */
  readonly description: string;
}

/** Exactly one rule per source type; `targetResourceTypes` lists every target of `targets`. */
export interface ConnectionRule {
  readonly sourceResourceType: ResourceType;
  readonly targetResourceTypes: readonly ResourceType[];
  readonly description: string;
  readonly targets: readonly ConnectionTarget[];
}

const rule = (sourceResourceType: ResourceType, description: string, targets: ConnectionTarget[]): ConnectionRule => ({
  sourceResourceType,
  targetResourceTypes: targets.map((target) => target.targetResourceType),
  description,
  targets,
});

export const CONNECTION_RULES: readonly ConnectionRule[] = [
  rule('application', 'The application is installed on the server.', [
    { targetResourceType: 'instance', description: 'The application is installed on the server.' },
  ]),
  rule('terminal', 'SSH access to the server.', [
    { targetResourceType: 'instance', description: 'SSH access to the server.' },
  ]),
  rule('bucket_explorer', "Browse the bucket's contents.", [
    { targetResourceType: 'storage_bucket', description: "Browse the storage bucket's contents." },
    { targetResourceType: 'static_website', description: "Browse the static website's bucket contents." },
  ]),
  rule('instance', 'The server is protected by a firewall, or reaches a database.', [
    { targetResourceType: 'firewall', description: 'The server is protected by the firewall (security group).' },
    {
      targetResourceType: 'database',
      description: 'Networking and security groups allow the server to reach the database.',
    },
  ]),
];

export const STATUS_TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  pending: ['connecting', 'failed', 'disconnected'],
  connecting: ['connected', 'failed', 'disconnected'],
  connected: ['disconnected', 'failed'],
  failed: ['pending', 'connecting', 'disconnected'],
  disconnected: ['pending', 'connecting'],
};

/** The target types a source type may connect to (empty when the type is never a source). */
export function allowedTargets(source: ResourceType): readonly ResourceType[] {
  return CONNECTION_RULES.filter((rule) => rule.sourceResourceType === source).flatMap(
    (rule) => rule.targetResourceTypes,
  );
}

export function isConnectionAllowed(source: ResourceType, target: ResourceType): boolean {
  return allowedTargets(source).includes(target);
}

/** Setting the status it already has is allowed: retries of the same update must succeed. */
export function isTransitionAllowed(from: Status, to: Status): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}
