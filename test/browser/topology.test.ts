/**
 * The topology page in a real browser (headless Chromium), against the local server exactly as
 * `npm start` runs it: an environment seeded through the API, the page opened with the fragment,
 * and what it draws compared with what the API answers.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call, connectionsPath, freshEnvironment, project, token } from '../support/api.ts';
import { launchChromium, watch, type PageWatch } from '../support/browser.ts';

interface ApiGraph {
  nodes: { key: string }[];
  edges: { id: string; source: string; target: string; status: string }[];
  nextToken: string | null;
  truncated: boolean;
}

const env = freshEnvironment();
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
    const { page } = await open(`project=${project}&env=${env}&token=${token()}`);

    expect(whole.edges).toHaveLength(SEED.length);
    await expectDrawn(page, whole.nodes.length, whole.edges.length);
    expect(page.url()).not.toContain('token');
    expect(page.url()).toContain(`project=${project}&env=${env}`);
    expect(await page.evaluate("sessionStorage.getItem('topology.token')")).toBe(token());
    mkdirSync('.data', { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });
});
