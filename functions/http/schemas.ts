/**
 * What the HTTP edge alone validates: the path parameters of each route, and the empty query of
 * routes that take none. The fields they are made of are the model's (model/inputs.ts).
 */
import * as z from 'zod/mini';
import { connectionId, pattern, resourceId, resourceType, slug } from '#model/inputs.ts';

export const scopePath = z.strictObject({ projectSlug: slug, environmentSlug: slug });
/** A file of the topology page: a plain file name, never a path. */
export const topologyAssetPath = z.strictObject({
  asset: pattern(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'must be a file name of the topology page'),
});
export const connectionPath = z.strictObject({ projectSlug: slug, environmentSlug: slug, connectionId });
export const resourcePath = z.strictObject({ projectSlug: slug, environmentSlug: slug, resourceType, resourceId });
export const noParameters = z.strictObject({});
export const anyParameters = z.looseObject({});
