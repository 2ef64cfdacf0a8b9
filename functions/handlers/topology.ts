/** GET /topology: the page that draws an environment's graph. Public: it holds no data, the browser fetches it with the user's token. */
import { endpoint } from '#http/http.ts';
import * as routes from '../routes.ts';
import { staticFile } from '../web/static-files.ts';

export const handler = endpoint(routes.getTopology, async ({ headers }) => staticFile('index.html', headers));
