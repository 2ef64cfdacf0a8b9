/**
 * An HTTP proxy in front of a local stand-in of an AWS service (DynamoDB Local, the EventBridge
 * stand-in) that does what IAM does in AWS: it knows the caller by the access key its SigV4
 * signature names (each function's process signs with its own), checks every call of the request
 * against that caller's role (services.ts says which calls a request makes), and forwards the
 * request only when all are allowed. A refused request gets the service's own
 * AccessDeniedException (HTTP 400) and never reaches the stand-in. Each decision is reported, so a
 * run can tell which grants were used.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { decide, deniedMessage, type Role } from './policy.ts';
import { SERVICES, type Call, type Location, type ServiceRequest } from './services.ts';

/** A process allowed to call: the function it runs and that function's role. */
export interface Caller {
  /** The function's name: the session name in its assumed-role ARN. */
  readonly name: string;
  readonly role: Role;
}

/** One call IAM decided on. */
export interface Use extends Call {
  readonly caller: string;
  readonly allowed: boolean;
}

export interface GateOptions extends Location {
  /** The stand-in's base URL. */
  readonly upstream: string;
  /** Who may call, by the access key id their process signs with. */
  readonly callers: ReadonlyMap<string, Caller>;
  /** Told of every decision. */
  readonly onUse?: (use: Use) => void;
  /** Runs before an allowed request goes on; a test may hold it there (a race made certain). */
  readonly beforeForward?: (caller: Caller, request: ServiceRequest) => Promise<void> | void;
}

export interface Gate {
  /** Give this to the callers as their endpoint. */
  readonly endpoint: string;
  close(): Promise<void>;
}

const readBody = (message: IncomingMessage): Promise<Buffer> =>
  new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => done(Buffer.concat(chunks)));
    message.on('error', fail);
  });

/** `Credential=<access key>/<date>/<region>/<service>/aws4_request` of a SigV4 Authorization header. */
export function credentialOf(authorization: string | undefined): { accessKeyId: string; service: string } | undefined {
  const match = /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return match ? { accessKeyId: match[1]!, service: match[2]! } : undefined;
}

export async function startIamGate(options: GateOptions): Promise<Gate> {
  const rules = Object.fromEntries(Object.entries(SERVICES).map(([name, make]) => [name, make(options)]));
  const upstream = new URL(options.upstream);

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const answer = (status: number, contentType: string, payload: object) => {
        res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(payload));
      };
      const credential = credentialOf(req.headers.authorization);
      const caller = credential && options.callers.get(credential.accessKeyId);
      const service = credential && rules[credential.service];
      if (!caller || !service) {
        // What AWS answers a key it does not know; here, a process the test did not give an identity.
        return answer(400, 'application/x-amz-json-1.0', {
          __type: 'com.amazon.coral.service#UnrecognizedClientException',
          message: `The security token included in the request is invalid (${credential?.accessKeyId ?? 'unsigned'}).`,
        });
      }
      const request: ServiceRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        target: req.headers['x-amz-target'] as string | undefined,
        json: body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {},
      };
      for (const call of service.calls(request)) {
        const decision = decide(caller.role, call.action, call.resource);
        options.onUse?.({ ...call, caller: caller.name, allowed: decision === 'allow' });
        if (decision !== 'allow') {
          const refusal = service.refusal(
            deniedMessage(
              { role: caller.role, session: caller.name },
              options.account,
              call.action,
              call.resource,
              decision,
            ),
          );
          return answer(400, refusal.contentType, refusal.body);
        }
      }
      await options.beforeForward?.(caller, request);
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        async (upstreamAnswer) => {
          const payload = await readBody(upstreamAnswer);
          if (service.observe && payload.length && upstreamAnswer.statusCode === 200) {
            service.observe(request, JSON.parse(payload.toString('utf8')) as Record<string, unknown>);
          }
          res.writeHead(upstreamAnswer.statusCode ?? 502, upstreamAnswer.headers);
          res.end(payload);
        },
      );
      forwarded.on('error', (error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`the stand-in behind the IAM gate failed: ${error.message}`);
      });
      forwarded.end(body);
    })().catch((error: unknown) => {
      // A request the gate cannot judge is a gap in services.ts: say so loudly, never let it through.
      console.error(`IAM gate: ${String(error)}`);
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`IAM gate: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
