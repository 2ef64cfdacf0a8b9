/**
 * The second way out of the publisher: each event also goes to its environment's channel of the
 * watch API (AppSync Events), where subscribers receive it live (docs/api.md, Watching changes).
 * Delivery there is at most once: a publish that fails is logged and counted, never retried and
 * never allowed to hold up or fail the EventBridge publish; a watcher catches up by reading.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  ChecksumConstructor,
  HashConstructor,
} from '@smithy/types';
import { channelOf } from '../realtime/channels.js';
import { eventEnvelope, type ConnectionEvent } from './events.ts';
import type { EventSink } from './publisher.ts';

/** AppSync Events takes at most five events per publish. */
export const CHANNEL_BATCH_SIZE = 5;

export interface ChannelPublisher {
  /** Publishes the events, each to its environment's channel, in order per channel; never throws. */
  publish(events: readonly ConnectionEvent[]): Promise<{ published: number; failed: number }>;
}

export interface AppSyncPublisherOptions {
  /** The Events API's publish endpoint, `https://<http domain>/event`. */
  readonly url: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly sha256: ChecksumConstructor | HashConstructor;
  /** Each request's limit: a slow channel must not hold the stream up. @default 3000 */
  readonly timeoutMs?: number;
  /** Told of each request that failed: its channel, how many events it carried, and why. */
  readonly onFailure: (failure: { channel: string; events: number; reason: string }) => void;
}

export function appSyncChannelPublisher(options: AppSyncPublisherOptions): ChannelPublisher {
  const url = new URL(options.url);
  const signer = new SignatureV4({
    service: 'appsync',
    region: options.region,
    credentials: options.credentials,
    sha256: options.sha256,
  });

  /** One publish request: at most five events of one channel. Answers whether AppSync took them all. */
  async function post(channel: string, events: readonly ConnectionEvent[]): Promise<boolean> {
    const body = JSON.stringify({ channel, events: events.map((event) => JSON.stringify(eventEnvelope(event))) });
    try {
      const signed = await signer.sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        headers: { host: url.host, 'content-type': 'application/json' },
        body,
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: signed.headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
      const answer = (await response.json().catch(() => undefined)) as { failed?: unknown[] } | undefined;
      if (response.ok && Array.isArray(answer?.failed) && answer.failed.length === 0) return true;
      options.onFailure({
        channel,
        events: events.length,
        reason: `HTTP ${response.status} ${JSON.stringify(answer)}`,
      });
    } catch (error) {
      options.onFailure({ channel, events: events.length, reason: String(error) });
    }
    return false;
  }

  return {
    async publish(events) {
      const byChannel = new Map<string, ConnectionEvent[]>();
      for (const event of events) {
        const { projectSlug, environmentSlug } = event.detail.connection;
        const channel = channelOf(projectSlug, environmentSlug);
        byChannel.set(channel, [...(byChannel.get(channel) ?? []), event]);
      }
      // Channels side by side; within one, batches one after another, so each arrives in commit order.
      const counts = await Promise.all(
        [...byChannel].map(async ([channel, ofChannel]) => {
          let published = 0;
          for (let i = 0; i < ofChannel.length; i += CHANNEL_BATCH_SIZE) {
            const batch = ofChannel.slice(i, i + CHANNEL_BATCH_SIZE);
            if (await post(channel, batch)) published += batch.length;
          }
          return { published, failed: ofChannel.length - published };
        }),
      );
      return counts.reduce((sum, c) => ({ published: sum.published + c.published, failed: sum.failed + c.failed }), {
        published: 0,
        failed: 0,
      });
    },
  };
}

/**
 * The bus first, then the channels with what the bus took for good: the events before the first
 * the bus refused (the stream retries from that one, so what follows it goes out again then).
 */
export function withChannels(bus: EventSink, channels: ChannelPublisher): EventSink {
  return {
    async put(events) {
      const failed = await bus.put(events);
      const firstFailed = events.findIndex((_, index) => failed.has(index));
      const taken = firstFailed < 0 ? events : events.slice(0, firstFailed);
      if (taken.length > 0) await channels.publish(taken);
      return failed;
    },
  };
}
