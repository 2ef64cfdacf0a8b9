/** GET /topology/{asset}: the page's script, layout worker and style sheet (separate files: its CSP allows no inline code). */
import { endpoint } from '#http/http.ts';
import * as routes from '../routes.ts';
import { staticFile } from '../web/static-files.ts';

export const handler = endpoint(routes.getTopologyAsset, async ({ path, headers }) => staticFile(path.asset, headers));
