/**
 * What IAM checks for one request to an AWS service, by the service's SigV4 signing name: the
 * action and the resource ARN of each call a request makes (a transaction is one call per item),
 * and how the service answers a call IAM refused. Another service's stand-in is gated by adding
 * its entry here.
 */

/** One action on one resource: what IAM decides on. */
export interface Call {
  readonly action: string;
  readonly resource: string;
}

/** A request as the gate received it; `json` is its body parsed, for the JSON protocols. */
export interface ServiceRequest {
  readonly method: string;
  readonly path: string;
  /** `X-Amz-Target`, for the JSON protocols: `DynamoDB_20120810.GetItem`. */
  readonly target: string | undefined;
  readonly json: Record<string, unknown>;
}

export interface ServiceRules {
  /** IAM's prefix for the service's actions (`dynamodb`): the grants the least-privilege check covers. */
  readonly actionPrefix: string;
  /** The calls IAM checks before the request runs. */
  calls(request: ServiceRequest): Call[];
  /** Sees each answer: a service that hands out tokens (a shard iterator) learns what they stand for. */
  observe?(request: ServiceRequest, answer: Record<string, unknown>): void;
  /** The answer of a refused call, as the service sends it. */
  refusal(message: string): { contentType: string; body: Record<string, string> };
}

/** Where the local stand-ins live, as AWS ARNs name it. */
export interface Location {
  readonly region: string;
  readonly account: string;
}

const text = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value === '') throw new Error(`the request names no ${what}`);
  return value;
};

/** An ARN from a local stand-in (DynamoDB Local's `ddblocal:000000000000`), placed where the gate says. */
export const relocated = (arn: string, at: Location): string =>
  arn.replace(/^arn:aws:([\w-]+):[^:]*:\d*:/, `arn:aws:$1:${at.region}:${at.account}:`);

/** DynamoDB and DynamoDB Streams: both sign as `dynamodb`, told apart by their target prefix. */
function dynamodb(at: Location): ServiceRules {
  const table = (name: unknown) => {
    const given = text(name, 'TableName');
    return given.startsWith('arn:') ? given : `arn:aws:dynamodb:${at.region}:${at.account}:table/${given}`;
  };
  /** The stream each shard iterator reads, learnt from the answers that hand them out. */
  const iterators = new Map<string, string>();
  const TRANSACT_ITEMS: Record<string, string> = {
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    ConditionCheck: 'ConditionCheckItem',
    Get: 'GetItem',
  };

  return {
    actionPrefix: 'dynamodb',
    calls({ target, json }) {
      const [api, operation] = (target ?? '').split('.');
      const call = (name: string, resource: string): Call => ({ action: `dynamodb:${name}`, resource });
      if (api === 'DynamoDBStreams_20120810') {
        if (operation === 'ListStreams') return [call(operation, '*')];
        if (operation === 'DescribeStream' || operation === 'GetShardIterator')
          return [call(operation, relocated(text(json.StreamArn, 'StreamArn'), at))];
        if (operation === 'GetRecords') {
          const stream = iterators.get(text(json.ShardIterator, 'ShardIterator'));
          if (!stream) throw new Error('GetRecords with a shard iterator the gate did not hand out');
          return [call(operation, stream)];
        }
      }
      if (api !== 'DynamoDB_20120810' || !operation) throw new Error(`no IAM rule for the target ${target}`);
      switch (operation) {
        case 'Query':
        case 'Scan':
          return [
            call(operation, `${table(json.TableName)}${json.IndexName ? `/index/${String(json.IndexName)}` : ''}`),
          ];
        case 'BatchGetItem':
        case 'BatchWriteItem':
          return Object.keys(json.RequestItems as object).map((name) => call(operation, table(name)));
        case 'TransactWriteItems':
        case 'TransactGetItems':
          return (json.TransactItems as Record<string, { TableName: string }>[]).map((item) => {
            const [kind, body] = Object.entries(item)[0]!;
            if (!TRANSACT_ITEMS[kind]) throw new Error(`no IAM rule for a transaction's ${kind}`);
            return call(TRANSACT_ITEMS[kind], table(body.TableName));
          });
        default:
          // GetItem, PutItem, UpdateItem, DeleteItem, DescribeTable...: the action is the operation's name.
          return [call(operation, table(json.TableName))];
      }
    },
    observe({ target, json }, answer) {
      const stream =
        target === 'DynamoDBStreams_20120810.GetShardIterator'
          ? relocated(String(json.StreamArn), at)
          : target === 'DynamoDBStreams_20120810.GetRecords'
            ? iterators.get(String(json.ShardIterator))
            : undefined;
      const next = answer.ShardIterator ?? answer.NextShardIterator;
      if (stream && typeof next === 'string') iterators.set(next, stream);
    },
    refusal: (message) => ({
      contentType: 'application/x-amz-json-1.0',
      body: { __type: 'com.amazon.coral.service#AccessDeniedException', Message: message },
    }),
  };
}

/** EventBridge: PutEvents is checked on each bus its entries name (the account's default bus when none). */
function events(at: Location): ServiceRules {
  return {
    actionPrefix: 'events',
    calls({ target, json }) {
      if (target !== 'AWSEvents.PutEvents') throw new Error(`no IAM rule for the target ${target}`);
      const buses = new Set(
        (json.Entries as { EventBusName?: string }[]).map(({ EventBusName: bus = 'default' }) =>
          bus.startsWith('arn:') ? bus : `arn:aws:events:${at.region}:${at.account}:event-bus/${bus}`,
        ),
      );
      return [...buses].map((resource) => ({ action: 'events:PutEvents', resource }));
    },
    refusal: (message) => ({
      contentType: 'application/x-amz-json-1.1',
      body: { __type: 'AccessDeniedException', message },
    }),
  };
}

/** The rules of each gated service, by SigV4 signing name (the service in a request's credential scope). */
export const SERVICES: Record<string, (at: Location) => ServiceRules> = { dynamodb, events };
