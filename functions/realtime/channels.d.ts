/** Types of channels.js (plain JavaScript, for AppSync's APPSYNC_JS runtime). */
export declare const NAMESPACE: 'connections';
export declare const CHANNEL_PREFIX: '/connections';
export declare const READ_SCOPE: 'connections:read';
export declare const MAX_SEGMENT: number;

export type ChannelScope = { all: true } | { project: string; environment?: string; all?: undefined };

export interface SubscriberIdentity {
  readonly sub?: unknown;
  readonly claims?: unknown;
}

export declare function isSlug(text: unknown): boolean;
export declare function slugSegments(slug: string): string[];
export declare function channelOf(project: string, environment: string): string;
export declare function channelScope(segments: readonly string[]): ChannelScope | null;
export declare function pathSegments(path: string): string[];
export declare function claimWords(claim: unknown): string[];
export declare function grantsCover(grants: readonly string[], scope: ChannelScope): boolean;
export declare function subscriptionRefusal(identity: unknown, segments: readonly string[]): string | null;
