/**
 * GET /realtime: where to watch changes (docs/api.md, Watching changes). The stack names its
 * Events API here (REALTIME_URL, REALTIME_HOST); `npm start` names its own WebSocket endpoint. A
 * client learns the endpoint from the service it already talks to, never from a setting of its own.
 */
import { endpoint, json } from '#http/http.ts';
import { requiredVariable } from '../environment.ts';
import { CHANNEL_PREFIX } from '../realtime/channels.js';
import * as routes from '../routes.ts';

const body = {
  url: requiredVariable('REALTIME_URL'),
  host: requiredVariable('REALTIME_HOST'),
  protocol: 'aws-appsync-event-ws',
  channelPrefix: CHANNEL_PREFIX,
};

export const handler = endpoint(routes.getRealtime, async () =>
  json(200, body, { 'cache-control': 'public, max-age=300' }),
);
