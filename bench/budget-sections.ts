/**
 * A study at size (bench/README.md): the list budget over every filter combination, and the cascade of
 * one resource's connections. Loaded by run.ts only once DYNAMODB_ENDPOINT is set (the cascade goes
 * through the handler, which reads it at import). `BENCH_ONLY=budgets npm run bench` runs just these.
 */
import { createDocumentClient } from '#store/client.ts';
import { cascadeTable, measureCascade, type CascadeRun } from './cascade.ts';
import { listBudgetTable, measureListBudget, type ListBudget } from './list-budget.ts';
import { seedingClient } from '../testkit/seed.ts';

export interface BudgetResults {
  readonly listBudget: ListBudget;
  readonly cascade: CascadeRun;
}

type Section = <T>(name: string, run: () => Promise<T>) => Promise<T>;

export async function budgetSections(
  endpoint: string,
  tableName: string,
  settings: { listBudget: number; cascade: number },
  section: Section,
): Promise<BudgetResults> {
  const secret = process.env.PAGE_TOKEN_SECRET!;
  const listBudget = await section('list budget', () =>
    measureListBudget(seedingClient(endpoint), createDocumentClient(endpoint), tableName, secret, settings.listBudget),
  );
  const cascade = await section('cascade', () =>
    measureCascade(seedingClient(endpoint), createDocumentClient(endpoint), tableName, secret, settings.cascade),
  );
  return { listBudget, cascade };
}

export const budgetTables = (r: BudgetResults): string[] => [listBudgetTable(r.listBudget), cascadeTable(r.cascade)];
