/** GET /health: answers without touching the database, so it says the function runs, nothing more. */
import { endpoint, json } from '#http/http.ts';

export const handler = endpoint('getHealth', async () => json(200, { status: 'ok' }));
