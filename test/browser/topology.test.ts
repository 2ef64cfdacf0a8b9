/**
 * The topology page in a real browser (headless Chromium), against the local server exactly as
 * `npm start` runs it: an environment seeded through the API, the page opened with the fragment,
 * and what it draws compared with what the API answers.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call, connectionsPath, freshEnvironment, project, token } from '../support/api.ts';
import { launchChromium, watch, type PageWatch } from '../../testkit/browser.ts';

interface ApiGraph {
  nodes: { key: string }[];
  edges: { id: string; source: string; target: string; status: string }[];
  nextToken: string | null;
  truncated: boolean;
}

const env = freshEnvironment();
const bearer = token();
const graphPath = `/api/${project}/${env}/graph`;
const SCREENSHOT = '.data/topology.png';

/** [source, target, the statuses it moves through after pending]. */
const SEED: [string, string, string[]][] = [
  ['application/app-shop', 'instance/i-web-1', ['connecting', 'connected']],
  ['application/app-api', 'instance/i-web-1', ['connecting', 'connected']],
  ['application/app-admin', 'instance/i-web-2', ['connecting', 'connected']],
  ['application/app-jobs', 'instance/i-batch-1', ['connecting']],
  ['terminal/ssh-ops', 'instance/i-web-1', ['connecting', 'connected']],
  ['terminal/ssh-ops', 'instance/i-web-2', ['connecting', 'connected']],
  ['terminal/ssh-ci', 'instance/i-batch-1', ['disconnected']],
  ['instance/i-web-1', 'firewall/fw-public', ['connecting', 'connected']],
  ['instance/i-web-2', 'firewall/fw-public', ['connecting', 'connected']],
  ['instance/i-batch-1', 'firewall/fw-internal', ['connecting', 'connected']],
  ['instance/i-web-1', 'database/db-orders', ['connecting', 'connected']],
  ['instance/i-web-2', 'database/db-orders', ['connecting', 'failed']],
  ['instance/i-batch-1', 'database/db-warehouse', ['failed']],
  ['bucket_explorer/be-1', 'storage_bucket/sb-assets', ['connecting', 'connected']],
  ['bucket_explorer/be-1', 'static_website/sw-docs', []],
];

async function seed(): Promise<void> {
  for (const [source, target, statuses] of SEED) {
    const [sourceResourceType, sourceResourceId] = source.split('/');
    const [targetResourceType, targetResourceId] = target.split('/');
    const created = await call('POST', connectionsPath(env), {
      json: { sourceResourceType, sourceResourceId, targetResourceType, targetResourceId },
    });
    expect(created.status, created.text).toBe(201);
    for (const status of statuses) {
      const moved = await call('PATCH', `${connectionsPath(env)}/${created.body.id}`, { json: { status } });
      expect(moved.status, moved.text).toBe(200);
    }
  }
  // A deleted connection: the graph leaves it out, and so must the page.
  const gone = await call('POST', connectionsPath(env), {
    json: {
      sourceResourceType: 'application',
      sourceResourceId: 'app-old',
      targetResourceType: 'instance',
      targetResourceId: 'i-web-2',
    },
  });
  expect((await call('DELETE', `${connectionsPath(env)}/${gone.body.id}`)).status).toBe(204);
}

async function apiGraph(query = 'limit=1000'): Promise<ApiGraph> {
  const answer = await call('GET', `${graphPath}?${query}`);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.nextToken).toBeNull();
  return answer.body as ApiGraph;
}

let browser: Browser;
let whole: ApiGraph;
const opened: { page: Page; seen: PageWatch }[] = [];

async function open(fragment: string): Promise<{ page: Page; seen: PageWatch }> {
  // A context per page: its own sessionStorage, as a new tab of a new session.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const seen = watch(page);
  opened.push({ page, seen });
  await page.goto(`${baseUrl}/topology#${fragment}`);
  return { page, seen };
}

const graph = (page: Page) => page.locator('[data-testid="graph"]');
const drawn = async (page: Page) => ({
  nodes: Number(await graph(page).getAttribute('data-node-count')),
  edges: Number(await graph(page).getAttribute('data-edge-count')),
});
/** Waits until the drawing holds exactly these counts. */
async function expectDrawn(page: Page, nodes: number, edges: number): Promise<void> {
  await expect.poll(() => drawn(page), { timeout: 20_000 }).toEqual({ nodes, edges });
}

beforeAll(async () => {
  await seed();
  whole = await apiGraph();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the topology page', () => {
  it('draws every resource and connection the API returns, and takes the token out of the address bar', async () => {
    const { page } = await open(`project=${project}&env=${env}&token=${bearer}`);

    expect(whole.edges).toHaveLength(SEED.length);
    await expectDrawn(page, whole.nodes.length, whole.edges.length);
    expect(page.url()).not.toContain('token');
    expect(page.url()).toContain(`project=${project}&env=${env}`);
    expect(await page.evaluate("sessionStorage.getItem('topology.token')")).toBe(bearer);
    mkdirSync('.data', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('hides exactly the other edges under a status filter', async () => {
    const { page } = await open(`project=${project}&env=${env}&token=${bearer}`);
    await expectDrawn(page, whole.nodes.length, whole.edges.length);

    for (const status of ['pending', 'connecting', 'connected', 'disconnected'])
      await page.locator(`#status-filters input[value="${status}"]`).uncheck();

    const failed = whole.edges.filter((edge) => edge.status === 'failed');
    const ends = new Set(failed.flatMap((edge) => [edge.source, edge.target]));
    await expectDrawn(page, ends.size, failed.length);
    expect(page.url()).toContain('status=failed');
    await page.getByRole('button', { name: 'Table view' }).click();
    const rows = page.locator('[data-testid="graph-table"] tbody tr');
    await expect.poll(() => rows.count()).toBe(failed.length);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-edge-id')));
    expect(ids.sort()).toEqual(failed.map((edge) => edge.id).sort());
    // Back: the filter comes off again, as the fragment says.
    await page.goBack();
    await page.goBack();
    await expect.poll(() => page.locator('#status-filters input[value="disconnected"]').isChecked()).toBe(true);
  });

  it('lists one table row per edge, sortable from the keyboard', async () => {
    const { page } = await open(`project=${project}&env=${env}&view=table&token=${bearer}`);
    const rows = page.locator('[data-testid="graph-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(whole.edges.length);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-edge-id')));
    expect(ids.sort()).toEqual(whole.edges.map((edge) => edge.id).sort());

    await page.locator('th[data-sort="status"] button').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('th[data-sort="status"]').getAttribute('aria-sort')).resolves.toBe('ascending');
    const statuses = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[2]!.textContent));
    expect(statuses).toEqual([...statuses].sort());
  });

  it('finds a resource by search, selects it, and lists its connections in the side panel', async () => {
    const { page } = await open(`project=${project}&env=${env}&token=${bearer}`);
    await expectDrawn(page, whole.nodes.length, whole.edges.length);

    await page.getByLabel('Find a resource').fill('i-web-2');
    await page.getByLabel('Find a resource').press('Enter');

    await expect.poll(() => graph(page).getAttribute('data-selected')).toBe('n:instance/i-web-2');
    const touching = whole.edges.filter((e) => e.source === 'instance/i-web-2' || e.target === 'instance/i-web-2');
    const listed = page.locator('[data-testid="panel-connection"]');
    await expect.poll(() => listed.count()).toBe(touching.length);
    const ids = await listed.evaluateAll((items) => items.map((item) => item.getAttribute('data-edge-id')));
    expect(ids.sort()).toEqual(touching.map((edge) => edge.id).sort());
    const failed = touching.find((edge) => edge.status === 'failed')!;
    await expect(
      page.locator(`[data-testid="panel-connection"][data-edge-id="${failed.id}"]`).textContent(),
    ).resolves.toContain('failed');
  });

  it("shows an edge's history, as the API keeps it", async () => {
    const failed = whole.edges.find((e) => e.source === 'instance/i-web-2' && e.status === 'failed')!;
    const { page } = await open(`project=${project}&env=${env}&sel=e:${failed.id}&token=${bearer}`);
    const history = await call('GET', `${connectionsPath(env)}/${failed.id}/history`);

    const entries = page.locator('[data-testid="history-entry"]');
    await expect.poll(() => entries.count(), { timeout: 20_000 }).toBe(history.body.items.length);
    expect(history.body.items.map((item: { action: string }) => item.action)).toEqual([
      'created',
      'updated',
      'updated',
    ]);
    await expect(entries.last().textContent()).resolves.toContain('failed');
  });

  it.each([
    [1, 'both'],
    [2, 'out'],
    [3, 'in'],
  ])('focuses on a resource: depth %i, direction %s, exactly the API neighbourhood', async (depth, direction) => {
    const { page } = await open(`project=${project}&env=${env}&sel=n:application/app-api&token=${bearer}`);
    await expectDrawn(page, whole.nodes.length, whole.edges.length);
    const around = direction === 'in' ? 'database/db-orders' : 'application/app-api';
    const [type, id] = around.split('/');
    const expected = await apiGraph(`resourceType=${type}&resourceId=${id}&depth=${depth}&direction=${direction}`);

    await page.getByLabel('Find a resource').fill(around);
    await page.getByLabel('Find a resource').press('Enter');
    await page.locator('#depth').selectOption(String(depth));
    await page.locator('#direction').selectOption(direction);
    await page.getByRole('button', { name: 'Focus', exact: true }).click();

    await expectDrawn(page, expected.nodes.length, expected.edges.length);
    expect(expected.edges.length).toBeLessThan(whole.edges.length);
    expect(page.url()).toContain(`focus=${encodeURIComponent(around)}`);
    await expect(page.locator('#banner').textContent()).resolves.toContain(`Focused on ${around}`);
  });

  it.each([
    ['a token that is not valid', () => 'not-a-token', 401],
    ['a token for another project', () => token({ projects: [`${project}-other/*`] }), 403],
    ['a token without the read scope', () => token({ scopes: ['connections:write'] }), 403],
  ])('shows the refusal of %s with the problem detail', async (_, badToken, status) => {
    const { page, seen } = await open(`project=${project}&env=${env}&token=${badToken()}`);
    const answer = await call('GET', `${graphPath}?limit=1000`, { token: badToken() });
    expect(answer.status).toBe(status);

    const state = page.locator('[data-testid="state"]');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 20_000 }).toBe('denied');
    await expect(state.textContent()).resolves.toContain(answer.body.detail);
    expect(await graph(page).getAttribute('data-edge-count')).toBeNull();
    // The browser logs the refused fetch itself; nothing else may go wrong.
    expect(seen.errors.filter((error) => !error.includes(`status of ${status}`))).toEqual([]);
    seen.errors.length = 0;
  });

  it('says so when there is no token, and when the environment is empty', async () => {
    const { page } = await open(`project=${project}&env=${env}`);
    await expect.poll(() => page.locator('[data-testid="state"]').getAttribute('data-state')).toBe('no-token');

    const { page: empty } = await open(`project=${project}&env=${freshEnvironment()}&token=${bearer}`);
    await expect
      .poll(() => empty.locator('[data-testid="state"]').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('empty');
    await expectDrawn(empty, 0, 0);
  });

  it('made no request outside the server origin and logged no error', () => {
    const origin = new URL(baseUrl).origin;
    const requests = opened.flatMap(({ seen }) => seen.requests);
    expect(requests.length).toBeGreaterThan(opened.length * 3);
    for (const url of requests) expect(url.startsWith('data:') || new URL(url).origin === origin, url).toBe(true);
    expect(opened.flatMap(({ seen }) => seen.errors)).toEqual([]);
  });
});
