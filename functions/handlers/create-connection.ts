/**
 * POST /api/{projectSlug}/{environmentSlug}/resource-connections: connects a source resource to a
 * target resource. The pair rule, duplicate guard, history entry and Idempotency-Key record are all
 * in the repository.
 */
import { ValidationError } from '#model/errors.ts';
import { IDEMPOTENCY_KEY } from '#model/inputs.ts';
import { endpoint, json } from '#http/http.ts';
import * as routes from '../routes.ts';
import { count } from '#http/observability.ts';
import { etag } from '#http/preconditions.ts';
import { table } from '#store/connections.ts';
import { create } from '#store/patterns/create.ts';

export const handler = endpoint(routes.createConnection, async ({ path, body, principal, headers }) => {
  const key = headers['idempotency-key'];
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }]);
  }
  const { connection, replayed } = await create(table, {
    scope: path,
    input: body,
    actor: principal.subject,
    idempotencyKey: key,
  });
  if (!replayed) count('ConnectionsCreated');
  return json(201, connection, {
    location: `/api/${path.projectSlug}/${path.environmentSlug}/resource-connections/${connection.id}`,
    etag: etag(connection.version),
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});
