/**
 * The `connections` channel namespace's onSubscribe handler, run by AppSync in its APPSYNC_JS
 * runtime after the OIDC authorizer verified the token: a subscription goes ahead only when
 * channels.js allows it. lib/connection-watch.ts bundles this file with channels.js into the code
 * the namespace deploys; the tests run that very code.
 */
import { util } from '@aws-appsync/utils';
import { subscriptionRefusal } from './channels.js';

export function onSubscribe(ctx) {
  const refusal = subscriptionRefusal(ctx.identity, ctx.info.channel.segments);
  if (refusal !== null) {
    console.log(`subscription to ${ctx.info.channel.path} refused: ${refusal}`);
    util.unauthorized();
  }
}
