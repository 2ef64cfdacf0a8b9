/**
 * POST /api/{projectSlug}/{environmentSlug}/resource-connections: connects a source resource to a
 * target resource. The pair rule, duplicate guard and history entry are all in the repository.
 */
import { endpoint, json } from '../shared/http.ts';
import { count } from '../shared/observability.ts';
import { etag } from '../shared/preconditions.ts';
import { repository } from '../shared/service.ts';

const connections = repository();

export const handler = endpoint('createConnection', async ({ path, body, principal }) => {
    const connection = await connections.create(path, body, principal.subject);
    count('ConnectionsCreated');
    return json(201, connection, {
      location: `/api/${path.projectSlug}/${path.environmentSlug}/resource-connections/${connection.id}`,
      etag: etag(connection.version),
    });
  },
);
