/**
 * The topology page in a real browser (headless Chromium), against the local server exactly as
 * `npm start` runs it: an environment seeded through the API, the page opened with the fragment,
 * and what it draws compared with what the API answers (the data, the filters, the table, the
 * panel, Focus, tokens). topology-readable.test.ts judges the picture itself.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call, connectionsPath, freshEnvironment, project, token } from '../support/api.ts';
import { launchChromium } from '../../testkit/browser.ts';
import {
  boxes,
  drawn,
  edges,
  expectDrawn,
  expectReadableGeometry,
  expectSameArrangement,
  graph,
  Pages,
  seed,
  SEED,
  settled,
  shot,
  SIZES,
  type Box,
  type InPage,
} from './support.ts';

interface ApiGraph {
  nodes: { key: string }[];
  edges: { id: string; source: string; target: string; status: string }[];
  nextToken: string | null;
  truncated: boolean;
}

const env = freshEnvironment();
const bearer = token();
const graphPath = `/api/${project}/${env}/graph`;

async function apiGraph(query = 'limit=1000'): Promise<ApiGraph> {
  const answer = await call('GET', `${graphPath}?${query}`);
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.nextToken).toBeNull();
  return answer.body as ApiGraph;
}

let browser: Browser;
let whole: ApiGraph;
const pages = new Pages(() => browser);
const open = (fragment: string, size = SIZES.wide) => pages.open(fragment, size);

beforeAll(async () => {
  await seed(env);
  whole = await apiGraph();
  browser = await launchChromium();
  mkdirSync('.data', { recursive: true });
}, 120_000);

afterEach(() => pages.closeAll());

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
    await expectReadableGeometry(page);
    // One published edge per connection, with its status.
    const published = await edges(page);
    expect(published.map((e) => `${e.source}>${e.target}:${[...e.statuses]}:${e.drawn}`).sort()).toEqual(
      whole.edges.map((e) => `${e.source}>${e.target}:${e.status},1:${e.status}`).sort(),
    );
    await shot(page, '1400x900');
  });

  it('draws the same picture, to the pixel, on every load of the same data at the same size, fitted at both sizes', async () => {
    for (const size of [SIZES.wide, SIZES.small]) {
      const first = await open(`project=${project}&env=${env}&token=${bearer}`, size);
      await expectDrawn(first.page, whole.nodes.length, whole.edges.length);
      const before = await expectReadableGeometry(first.page);
      await first.page.reload();
      await expectDrawn(first.page, whole.nodes.length, whole.edges.length);
      expect(await boxes(first.page)).toEqual(before);
      if (size === SIZES.small) await shot(first.page, '1024x700');
    }
  });

  it('keeps every other node where it was when auto-refresh finds a new resource, and fits it in', async () => {
    const { page } = await open(`project=${project}&env=${env}&token=${bearer}`, SIZES.small);
    await expectDrawn(page, whole.nodes.length, whole.edges.length);
    const before = await boxes(page);
    await page.locator('#auto-refresh').check();
    const added = await call('POST', connectionsPath(env), {
      json: {
        sourceResourceType: 'application',
        sourceResourceId: 'app-new',
        targetResourceType: 'instance',
        targetResourceId: 'i-web-2',
      },
    });
    expect(added.status).toBe(201);

    await expectDrawn(page, whole.nodes.length + 1, whole.edges.length + 1);
    const after = await expectReadableGeometry(page);
    expect(after.has('application/app-new')).toBe(true);
    expectSameArrangement(before, after);
    await expect(page.locator('[data-testid="relayout"]').count()).resolves.toBe(1);
    expect((await call('DELETE', `${connectionsPath(env)}/${added.body.id}`)).status).toBe(204);
  });

  it('hides exactly the other edges under a status filter', async () => {
    const { page } = await open(`project=${project}&env=${env}&token=${bearer}`);
    await expectDrawn(page, whole.nodes.length, whole.edges.length);

    await page.getByRole('button', { name: 'Filters' }).click();
    for (const status of ['pending', 'connecting', 'connected', 'disconnected'])
      await page.locator(`#status-filters input[value="${status}"]`).uncheck();
    await expect(page.getByRole('button', { name: 'Filters' }).textContent()).resolves.toBe('Filters (4 off)');

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

  it('keeps a waiting connection near its deadline under "problems only", and shows how far off each deadline is', async () => {
    const waiting = freshEnvironment();
    const create = async (source: string, body: Record<string, unknown> = {}) => {
      const [sourceResourceType, sourceResourceId] = source.split('/');
      const created = await call('POST', connectionsPath(waiting), {
        json: {
          sourceResourceType,
          sourceResourceId,
          targetResourceType: 'instance',
          targetResourceId: 'i-1',
          ...body,
        },
      });
      expect(created.status, created.text).toBe(201);
      return created.body.id as string;
    };
    // Within a minute of its deadline from the start (and failed by the sweep if the test is slow:
    // a problem either way); the pending default is an hour off, so that one is not.
    const late = await create('application/app-late', { deadlineSeconds: 50 });
    const calm = await create('application/app-calm');
    const working = await create('terminal/ssh-ops');
    const moved = await call('PATCH', `${connectionsPath(waiting)}/${working}`, { json: { status: 'connecting' } });
    expect(moved.status, moved.text).toBe(200);

    const { page } = await open(`project=${project}&env=${waiting}&view=table&token=${bearer}`);
    const rows = page.locator('[data-testid="graph-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(3);
    const deadlineOf = (id: string) => page.locator(`tr[data-edge-id="${id}"] td:nth-child(4)`).textContent();
    // Read a few seconds (or, on a slow machine, a minute) after the moves that set them.
    await expect(deadlineOf(calm)).resolves.toMatch(/^in (1 h|5\d min)$/);
    await expect(deadlineOf(working)).resolves.toMatch(/^in 1[45] min$/);

    await page.locator('#problems-only').check();
    await expect.poll(() => rows.count()).toBe(2);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-edge-id')));
    expect(ids.sort()).toEqual([late, working].sort());
    expect(page.url()).toContain('problems=1');
    // The summary counts what is shown, not the whole environment.
    const line = (await page.locator('#summary').textContent())!;
    expect(line).toMatch(/^Showing 3 resources and 2 of 3 connections \(/);
    const counted = [...line.matchAll(/(\d+) (pending|connecting|failed)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(counted).toBe(2);

    // Drawn, the connection about to fail carries its mark (the screenshot shows how big).
    await page.getByRole('button', { name: 'Graph view' }).click();
    await expectDrawn(page, 3, 2);
    await expectReadableGeometry(page);
    await shot(page, '1400x900-problems-deadline');
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
    // Grouped by status, worst first.
    const failed = touching.find((edge) => edge.status === 'failed')!;
    const groups = await page
      .locator('#panel ul.connections')
      .evaluateAll((uls) => uls.map((ul) => ul.getAttribute('data-status')));
    expect(groups[0]).toBe('failed');
    await expect(
      page.locator(`ul[data-status="failed"] [data-testid="panel-connection"][data-edge-id="${failed.id}"]`).count(),
    ).resolves.toBe(1);
    await settled(page);
    await expectReadableGeometry(page);
  });

  it("shows a connection's current status, reason, details and version above its history, as the API keeps them", async () => {
    const failed = whole.edges.find((e) => e.source === 'instance/i-web-2' && e.status === 'failed')!;
    const { page } = await open(`project=${project}&env=${env}&sel=e:${failed.id}&token=${bearer}`, SIZES.small);
    const history = await call('GET', `${connectionsPath(env)}/${failed.id}/history`);
    const now = page.locator('[data-testid="connection-now"]');
    await expect.poll(() => now.getAttribute('aria-busy'), { timeout: 20_000 }).toBe('false');
    const text = await now.textContent();
    for (const part of ['failed', 'cannot reach database/db-orders', '"port": 443', 'Version3'])
      expect(text).toContain(part);
    // The connection sits above its history in the panel.
    const order = await page.evaluate(() => {
      const { document } = globalThis as unknown as InPage;
      const [a, b] = ['[data-testid="connection-now"]', 'ol.history'].map((s) => document.querySelector(s));
      // DOCUMENT_POSITION_FOLLOWING
      return a!.compareDocumentPosition(b!) & 4;
    });
    expect(order).toBeTruthy();
    await settled(page);
    await expectReadableGeometry(page);
    await shot(page, '1024x700-panel');

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
    // Laid out, not piled up: the nodes spread over both directions.
    const focused = [...(await expectReadableGeometry(page)).values()];
    const spread = (pick: (b: Box) => number) => Math.max(...focused.map(pick)) - Math.min(...focused.map(pick));
    expect(spread((b) => b.left)).toBeGreaterThan(100);
    if (focused.length > 3) expect(spread((b) => b.top)).toBeGreaterThan(40);
    if (depth === 2) await shot(page, '1400x900-focus');
  });

  it('opens a shared link with focus and selection fitted at both sizes, the panel beside the drawing', async () => {
    const fragment = `project=${project}&env=${env}&focus=instance/i-web-1&depth=2&dir=both&sel=n:instance/i-web-1`;
    for (const size of [SIZES.wide, SIZES.small]) {
      const { page } = await open(`${fragment}&token=${bearer}`, size);
      await expect.poll(() => page.locator('#panel').isVisible(), { timeout: 20_000 }).toBe(true);
      await settled(page);
      const shown = await expectReadableGeometry(page);
      expect(shown.has('instance/i-web-1')).toBe(true);
      const again = await open(`${fragment}&token=${bearer}`, size);
      await expect.poll(() => again.page.locator('#panel').isVisible(), { timeout: 20_000 }).toBe(true);
      await settled(again.page);
      expect(await boxes(again.page)).toEqual(shown);
      if (size === SIZES.small) await shot(page, '1024x700-shared-focus-panel');
    }
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
    await expect.poll(() => drawn(empty)).toEqual({ nodes: 0, edges: 0 });
  });

  it('takes a token from a link pasted into the open page, refuses paths that are not slugs, and forgets the token', async () => {
    const { page, seen } = await open(`project=${project}&env=${env}`);
    await expect.poll(() => graph(page).getAttribute('data-state')).toBe('no-token');
    await page.evaluate(
      (hash) => ((globalThis as unknown as InPage).location.hash = hash),
      `project=${project}&env=${env}&token=${bearer}`,
    );
    await expectDrawn(page, whole.nodes.length, whole.edges.length);
    expect(page.url()).not.toContain('token');

    await page.evaluate(() => ((globalThis as unknown as InPage).location.hash = 'project=..&env=..'));
    await expect.poll(() => graph(page).getAttribute('data-state')).toBe('setup');
    expect(seen.requests.filter((url) => url.includes('/api/..') || url.includes('%2E%2E'))).toEqual([]);

    await page.evaluate(
      (hash) => ((globalThis as unknown as InPage).location.hash = hash),
      `project=${project}&env=${env}`,
    );
    await settled(page);
    await page.getByRole('button', { name: 'Forget token' }).click();
    await expect.poll(() => graph(page).getAttribute('data-state')).toBe('no-token');
    expect(await page.evaluate("sessionStorage.getItem('topology.token')")).toBeNull();
    await expect(page.locator('[data-testid="graph-nodes"] li').count()).resolves.toBe(0);
  });

  it('made no request outside the server origin and logged no error', () => {
    const origin = new URL(baseUrl).origin;
    const requests = pages.seen.flatMap((seen) => seen.requests);
    expect(requests.length).toBeGreaterThan(pages.seen.length * 3);
    for (const url of requests) expect(url.startsWith('data:') || new URL(url).origin === origin, url).toBe(true);
    expect(pages.seen.flatMap((seen) => seen.errors)).toEqual([]);
  });
});
