/** GET /health: answers without touching the database, so it says the function runs, nothing more. */
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';

export const handler = endpoint(routes.getHealth, async () => json(200, { status: 'ok' }));
