/** The catch-all (`$default`) route: any method and path no other route matches is a 404 problem. */
import { NotFoundError } from '#model/errors.ts';
import { endpoint } from '#http/http.ts';
import * as routes from '../routes.ts';

export const handler = endpoint(routes.notFound, async () => {
  throw new NotFoundError('No route matches this method and path.');
});
