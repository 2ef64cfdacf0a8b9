/** The catch-all (`$default`) route: any method and path no other route matches is a 404 problem. */
import { NotFoundError } from '../shared/errors.ts';
import { endpoint } from '../shared/http.ts';

export const handler = endpoint('notFound', async () => {
  throw new NotFoundError('No route matches this method and path.');
});
