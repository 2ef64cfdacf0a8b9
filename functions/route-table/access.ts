/**
 * What a route's function may do to the table, named once for the entries that share it (lib/ turns
 * each into an IAM policy).
 */
import type { DataAccess, ItemAction } from './shape.ts';

// Written out, not spread: esbuild keeps any constant whose making might run code, a spread included.
export const NOTHING: DataAccess = { items: [], queries: [], pageTokens: false };
export const GET: readonly ItemAction[] = ['dynamodb:GetItem'];
/**
 * A page: the environment's shard count (store/shards.ts, a GetItem once in a while), then the
 * details too large for the rows of the page (store/details.ts).
 */
export const PAGE: readonly ItemAction[] = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'];
/**
 * Read the connection with its details (a Query of its partition, `table`; a GetItem of its history
 * entry when the two disagree), the shard count and a pair guard's holder (GetItem), then one
 * transaction of Puts; a throttled write doubles the environment's shards (UpdateItem).
 */
export const CHANGE: readonly ItemAction[] = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** A change that may also Delete: release the pair guard, or a details item whose details became small. */
export const CHANGE_AND_RELEASE: readonly ItemAction[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
];
/** The cascade: pages with their details (PAGE), then changes that release (CHANGE_AND_RELEASE). */
export const CASCADE: readonly ItemAction[] = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:DeleteItem',
  'dynamodb:UpdateItem',
];
