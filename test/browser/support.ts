/**
 * What the topology page's browser tests share: the seeded environment, opening the page in a
 * fresh context at a window size, waiting for it to settle, and reading the geometry and the
 * edges it publishes. The picture is judged by that geometry: every node inside the drawing area,
 * none covered, no two overlapping, labels drawn at least 12 px high.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { baseUrl, call, connectionsPath, project } from '../support/api.ts';
import { watch, type PageWatch } from '../../testkit/browser.ts';
import { graphPage, topologySeed } from '../../testkit/topology-data.ts';

export const SIZES = { wide: { width: 1400, height: 900 }, small: { width: 1024, height: 700 } };
export type Size = (typeof SIZES)[keyof typeof SIZES];

/** [source, target, the statuses it moves through after pending]: 26 resources, 24 connections. */
export const SEED: [string, string, string[]][] = [
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
  ['application/app-search', 'instance/i-search-1', ['connecting', 'connected']],
  ['application/app-indexer', 'instance/i-search-2', ['connecting', 'connected']],
  ['instance/i-search-1', 'firewall/fw-internal', ['connecting', 'connected']],
  ['instance/i-search-2', 'firewall/fw-internal', ['connecting', 'connected']],
  ['instance/i-search-1', 'database/db-search', ['connecting', 'connected']],
  ['terminal/ssh-search', 'instance/i-search-1', []],
  ['bucket_explorer/be-2', 'storage_bucket/sb-logs', ['connecting', 'connected']],
  ['bucket_explorer/be-2', 'storage_bucket/sb-backups', ['connecting', 'failed']],
  ['bucket_explorer/be-2', 'static_website/sw-status', ['connecting', 'connected']],
];

/** Seeds SEED into `env` through the API, and a deleted connection the page must leave out. */
export async function seed(env: string): Promise<void> {
  for (const [source, target, statuses] of SEED) {
    const [sourceResourceType, sourceResourceId] = source.split('/');
    const [targetResourceType, targetResourceId] = target.split('/');
    const created = await call('POST', connectionsPath(env), {
      json: { sourceResourceType, sourceResourceId, targetResourceType, targetResourceId, details: { port: 443 } },
    });
    expect(created.status, created.text).toBe(201);
    for (const status of statuses) {
      const reason = status === 'failed' ? { statusReason: `cannot reach ${target}` } : {};
      const moved = await call('PATCH', `${connectionsPath(env)}/${created.body.id}`, { json: { status, ...reason } });
      expect(moved.status, moved.text).toBe(200);
    }
  }
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

/** The pages a suite opened, each with what it requested and logged (checked once at the end). */
export class Pages {
  readonly seen: PageWatch[] = [];
  private contexts: BrowserContext[] = [];

  constructor(private readonly browser: () => Browser) {}

  /** The page in a new context (its own sessionStorage: a new tab of a new session) at `size`. */
  async open(
    fragment: string,
    size: Size = SIZES.wide,
    setUp?: (page: Page) => Promise<void>,
  ): Promise<{ page: Page; seen: PageWatch }> {
    const context = await this.browser().newContext({ viewport: size });
    this.contexts.push(context);
    const page = await context.newPage();
    const seen = watch(page);
    this.seen.push(seen);
    await setUp?.(page);
    await page.goto(`${baseUrl}/topology#${fragment}`);
    return { page, seen };
  }

  /** `connections` platform-shaped connections (testkit/topology-data.ts) answered by a stand-in for GET /graph. */
  openGenerated(env: string, connections: number, fragment: string, size: Size) {
    const links = topologySeed(connections);
    return this.open(fragment, size, async (page) => {
      await page.route(`**/api/${project}/${env}/graph?**`, (route) => {
        const query = new URL(route.request().url()).searchParams;
        const body = graphPage(links, Number(query.get('nextToken') ?? 0), Number(query.get('limit') ?? 500));
        return route.fulfill({ json: body });
      });
    });
  }

  /** Closes the pages opened so far: an idle page still costs the machine. */
  async closeAll(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.close()));
    this.contexts = [];
  }
}

export const graph = (page: Page) => page.locator('[data-testid="graph"]');

export async function settled(page: Page): Promise<void> {
  await expect.poll(() => graph(page).getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
}

export const drawn = async (page: Page) => ({
  nodes: Number(await graph(page).getAttribute('data-node-count')),
  edges: Number(await graph(page).getAttribute('data-edge-count')),
});

/** Waits until the drawing holds exactly these counts and has settled. */
export async function expectDrawn(page: Page, nodes: number, edges: number): Promise<void> {
  await expect.poll(() => drawn(page), { timeout: 30_000 }).toEqual({ nodes, edges });
  await settled(page);
}

export interface Box {
  readonly key: string;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly labelPx: number;
}

/** The boxes the page publishes, by key. */
export async function boxes(page: Page): Promise<Map<string, Box>> {
  const items = await page
    .locator('[data-testid="graph-nodes"] li')
    .evaluateAll((lis) =>
      lis.map((li) => [li.getAttribute('data-key')!, li.getAttribute('data-box')!, li.getAttribute('data-label-px')!]),
    );
  return new Map(
    items.map(([key, box, px]) => {
      const [left, top, width, height] = box!.split(' ').map(Number) as [number, number, number, number];
      return [key!, { key: key!, left, top, width, height, labelPx: Number(px) }];
    }),
  );
}

/** The edges the page publishes: one per drawn edge or bundle. */
export async function edges(page: Page) {
  const items = await page
    .locator('[data-testid="graph-edges"] li')
    .evaluateAll((lis) =>
      lis.map((li) => ['source', 'target', 'statuses', 'drawn'].map((name) => li.getAttribute(`data-${name}`)!)),
    );
  return items.map(([source, target, statuses, shows]) => ({
    source: source!,
    target: target!,
    statuses: new Map(statuses!.split(' ').map((pair: string) => [pair.split(':')[0]!, Number(pair.split(':')[1])])),
    drawn: shows!.split(' '),
  }));
}

/** Every node inside the drawing area, on top there (nothing covers it), no two overlapping, every label at least 12 px. */
export async function expectReadableGeometry(page: Page): Promise<Map<string, Box>> {
  const drawnBoxes = await boxes(page);
  expect(drawnBoxes.size).toBe(Number(await graph(page).getAttribute('data-node-count')));
  const area = (await graph(page).boundingBox())!;
  const list = [...drawnBoxes.values()];
  for (const box of list) {
    expect(box.left, box.key).toBeGreaterThanOrEqual(area.x - 0.5);
    expect(box.top, box.key).toBeGreaterThanOrEqual(area.y - 0.5);
    expect(box.left + box.width, box.key).toBeLessThanOrEqual(area.x + area.width + 0.5);
    expect(box.top + box.height, box.key).toBeLessThanOrEqual(area.y + area.height + 0.5);
    expect(box.labelPx, box.key).toBeGreaterThanOrEqual(12);
  }
  for (const [i, a] of list.entries())
    for (const b of list.slice(i + 1)) {
      const overlap =
        a.left < b.left + b.width - 0.5 &&
        b.left < a.left + a.width - 0.5 &&
        a.top < b.top + b.height - 0.5 &&
        b.top < a.top + a.height - 0.5;
      expect(overlap, `${a.key} overlaps ${b.key}`).toBe(false);
    }
  // What is on top at each node's centre belongs to the drawing area: no panel, legend or banner.
  const covered = await page.evaluate(
    (centres) =>
      centres.filter(([, x, y]) => {
        const { document } = globalThis as unknown as InPage;
        return !document.querySelector('[data-testid="graph"]').contains(document.elementFromPoint(x, y));
      }),
    list.map((b) => [b.key, b.left + b.width / 2, b.top + b.height / 2] as [string, number, number]),
  );
  expect(covered).toEqual([]);
  return drawnBoxes;
}

/**
 * The boxes `after` holds for the keys of `before` are `before`'s, moved and scaled as one (a new
 * fit may zoom or pan the whole picture, but no node moved relative to the rest).
 */
export function expectSameArrangement(before: Map<string, Box>, after: Map<string, Box>): void {
  const keys = [...before.keys()].filter((key) => after.has(key));
  expect(keys.length).toBeGreaterThan(1);
  const centre = (b: Box) => ({ x: b.left + b.width / 2, y: b.top + b.height / 2 });
  const [a, b] = [keys[0]!, keys[keys.length - 1]!];
  const [a0, b0, a1, b1] = [
    centre(before.get(a)!),
    centre(before.get(b)!),
    centre(after.get(a)!),
    centre(after.get(b)!),
  ];
  const scale = Math.hypot(b1.x - a1.x, b1.y - a1.y) / Math.hypot(b0.x - a0.x, b0.y - a0.y);
  for (const key of keys) {
    const [p0, p1] = [centre(before.get(key)!), centre(after.get(key)!)];
    expect(Math.abs(a1.x + (p0.x - a0.x) * scale - p1.x), key).toBeLessThan(1.5);
    expect(Math.abs(a1.y + (p0.y - a0.y) * scale - p1.y), key).toBeLessThan(1.5);
  }
}

/** Clicks a drawn node (its label is part of it). */
export async function clickNode(page: Page, key: string): Promise<void> {
  const box = (await boxes(page)).get(key)!;
  await page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
}

/** What callbacks that run in the page use of it (these files are typed for Node). */
export interface PageElement {
  id: string;
  contains(other: unknown): boolean;
  compareDocumentPosition(other: PageElement): number;
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
}
export interface InPage {
  document: {
    querySelector(selector: string): PageElement;
    elementFromPoint(x: number, y: number): unknown;
    activeElement: PageElement | null;
    createElement(tag: 'canvas'): {
      getContext(kind: '2d'): { font: string; measureText(text: string): { width: number } };
    };
  };
  getComputedStyle(element: unknown): { font: string; paddingLeft: string; paddingRight: string };
  location: { hash: string };
  axe: { run(context?: unknown, options?: unknown): Promise<{ violations: AxeViolation[] }> };
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

const AXE_SOURCE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

/**
 * axe-core's violations on the page as it is now. Its source goes in through the DevTools
 * protocol, which the page's Content-Security-Policy does not govern (the page allows no script
 * but its own).
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(() => (globalThis as unknown as InPage).axe.run().then((r) => r.violations));
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The element with focus: its id, or the id of the nearest ancestor that has one. */
export const focused = (page: Page) =>
  page.evaluate(() => {
    const active = (globalThis as unknown as InPage).document.activeElement;
    return active?.id || active?.closest('[id]')?.id || '';
  });

export const shot = (page: Page, name: string) => page.screenshot({ path: `.data/topology-${name}.png` });
