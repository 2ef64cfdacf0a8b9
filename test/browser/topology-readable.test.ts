/**
 * The topology page's picture, judged in headless Chromium at 1400 × 900 and 1024 × 700 by the
 * geometry and the edges it publishes: readable (labels at least 12 px, nothing overlapping,
 * nothing outside), resource by resource up to 60 resources, failures never hidden in a bundle or
 * a group, drill-down as readable as the overview, grouping untouched by the panel; by keyboard
 * alone; and checked by axe-core in several states. Screenshots go to .data/topology-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshEnvironment, project, token } from '../support/api.ts';
import { launchChromium } from '../../testkit/browser.ts';
import {
  accessibilityViolations,
  boxes,
  clickNode,
  edges,
  expectDrawn,
  expectReadableGeometry,
  focused,
  graph,
  Pages,
  seed,
  settled,
  shot,
  SIZES,
  type InPage,
} from './support.ts';

const env = freshEnvironment();
const bearer = token();
const link = (fragment = '') => `project=${project}&env=${env}&token=${bearer}${fragment}`;
/** The seeded environment: 26 resources, 24 connections. */
const [RESOURCES, CONNECTIONS] = [26, 24];

let browser: Browser;
const pages = new Pages(() => browser);

beforeAll(async () => {
  await seed(env);
  browser = await launchChromium();
}, 120_000);

afterEach(() => pages.closeAll());

afterAll(async () => {
  await browser?.close();
});

/** The 2,000-connection environment, from a stand-in for GET /graph (seeding it through the API takes minutes). */
const openBig = (size: (typeof SIZES)[keyof typeof SIZES], fragment = '') =>
  pages.openGenerated('big', 2000, `project=${project}&env=big&token=${bearer}${fragment}`, size);

/** Every bundle shows each status inside it, failures included; every group's ring shows each of its statuses. */
async function expectNothingHidden(page: Page): Promise<void> {
  const published = await edges(page);
  expect(published.length).toBe(Number(await graph(page).getAttribute('data-edge-count')));
  for (const edge of published) {
    expect(edge.drawn, `${edge.source} → ${edge.target}`).toEqual([...edge.statuses.keys()]);
    if (edge.statuses.has('failed')) expect(edge.drawn).toContain('failed');
  }
  const rings = await page
    .locator('[data-testid="graph-nodes"] li[data-drawn]')
    .evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-statuses')!, li.getAttribute('data-drawn')!]));
  for (const [statuses, shows] of rings)
    expect(shows!.split(' ')).toEqual(statuses!.split(' ').map((pair: string) => pair.split(':')[0]));
}

/** The drawn group standing for the most resources ("1,000 applications" → 1000). */
async function biggestGroup(page: Page): Promise<string> {
  const groups = await page
    .locator('[data-testid="graph-nodes"] li')
    .evaluateAll((lis) => lis.map((li) => [li.getAttribute('data-key')!, li.textContent!]));
  const size = (text: string) => Number(/^group: ([\d,]+) /.exec(text)?.[1]?.replace(/,/g, '') ?? 0);
  return groups.sort((a, b) => size(b[1]!) - size(a[1]!))[0]![0]!;
}

const keysOf = async (page: Page) => [...(await boxes(page)).keys()].sort();

describe('the topology picture', () => {
  it.each([
    ['1400x900', SIZES.wide],
    ['1024x700', SIZES.small],
  ])(
    'draws the seeded environment resource by resource at %s, labels at least 12 px, the drawing most of the window',
    async (name, size) => {
      const { page } = await pages.open(link(), size);
      await expectDrawn(page, RESOURCES, CONNECTIONS);
      expect(await graph(page).getAttribute('data-overview')).toBe('false');
      await expectReadableGeometry(page);
      const area = (await graph(page).boundingBox())!;
      expect(area.height).toBeGreaterThanOrEqual(0.6 * size.height);
      expect(area.width).toBe(size.width);
      await shot(page, `${name}-drawn`);
    },
  );

  it.each([
    ['1400x900', SIZES.wide],
    ['1024x700', SIZES.small],
  ])('draws an environment of 60 resources resource by resource at %s', async (name, size) => {
    const { page } = await pages.openGenerated('sixty', 50, `project=${project}&env=sixty&token=${bearer}`, size);
    await expectDrawn(page, 60, 50);
    expect(await graph(page).getAttribute('data-overview')).toBe('false');
    await expectReadableGeometry(page);
    await shot(page, `${name}-60-resources`);
  });

  it.each([
    ['1400x900', SIZES.wide],
    ['1024x700', SIZES.small],
  ])(
    'opens 2,000 connections at %s as a readable overview that hides no failure, and opens its biggest group as readably, the same from a shared link',
    async (name, size) => {
      const { page } = await openBig(size);
      await settled(page);
      expect(await graph(page).getAttribute('data-overview')).toBe('true');
      expect(await graph(page).getAttribute('data-connections')).toBe('2000');
      const overview = await expectReadableGeometry(page);
      expect(overview.size).toBeLessThanOrEqual(150);
      await expectNothingHidden(page);
      expect((await edges(page)).some((edge) => edge.statuses.has('failed') && edge.statuses.size > 1)).toBe(true);
      await shot(page, `${name}-2000-overview`);

      const biggest = await biggestGroup(page);
      await clickNode(page, biggest);
      await expect.poll(async () => (await boxes(page)).has(biggest), { timeout: 30_000 }).toBe(false);
      await settled(page);
      const opened = await expectReadableGeometry(page);
      for (const box of opened.values()) expect(box.height, box.key).toBeGreaterThanOrEqual(14);
      const parts = [...opened.keys()].filter((key) => key.startsWith(`${biggest}|`));
      expect(parts.length).toBeGreaterThan(1);
      // Left to right as the overview: the parts (sources) left of what they connect to.
      const target = [...opened.values()].find((box) => box.key.startsWith('t:instance'))!;
      for (const key of parts) expect(opened.get(key)!.left + opened.get(key)!.width).toBeLessThan(target.left);
      await expectNothingHidden(page);
      expect(page.url()).toContain('open=');
      await shot(page, `${name}-2000-opened`);

      // The shared link reopens the same picture.
      const again = await openBig(size, `&${new URL(page.url()).hash.slice(1).replace(/^.*?(open=[^&]*).*$/, '$1')}`);
      await settled(again.page);
      expect(await boxes(again.page)).toEqual(opened);
    },
  );

  it('keeps every failure visible under "problems only"', async () => {
    const { page } = await openBig(SIZES.wide, '&problems=1');
    await settled(page);
    await expectReadableGeometry(page);
    await expectNothingHidden(page);
    const published = await edges(page);
    expect(published.every((edge) => !edge.statuses.has('connected') && !edge.statuses.has('pending'))).toBe(true);
    expect(published.some((edge) => edge.drawn.includes('failed'))).toBe(true);
    expect(await page.locator('#summary').textContent()).toMatch(
      /^Showing [\d,]+ resources and 180 of 2,000 connections \(60 failed, 80 connecting, 40 disconnected\)\.$/,
    );
    await shot(page, '1400x900-2000-problems-only');
  });

  it('keeps the same groups, and the same picture, when the panel opens and closes', async () => {
    // The 2,000-connection overview with a resource found: its groups opened, then the panel.
    const { page } = await openBig(SIZES.small);
    await settled(page);
    await page.getByLabel('Find a resource').fill('i-0003');
    await page.getByLabel('Find a resource').press('Enter');
    await expect.poll(() => graph(page).getAttribute('data-selected'), { timeout: 30_000 }).toBe('n:instance/i-0003');
    await expect.poll(() => page.locator('#panel').isVisible(), { timeout: 30_000 }).toBe(true);
    await settled(page);
    const withPanel = await keysOf(page);
    expect(withPanel).toContain('instance/i-0003');
    await shot(page, '1024x700-2000-found-panel');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#panel').isVisible()).toBe(false);
    await settled(page);
    expect(await keysOf(page)).toEqual(withPanel);
    expect(await page.locator('#banner').textContent()).not.toContain('placed');

    // The seeded environment at 1024 × 700: still resource by resource beside the panel, and the same boxes once it closes.
    const small = await pages.open(link(), SIZES.small);
    await expectDrawn(small.page, RESOURCES, CONNECTIONS);
    const before = await boxes(small.page);
    await clickNode(small.page, 'instance/i-web-1');
    await expect.poll(() => small.page.locator('#panel').isVisible()).toBe(true);
    await settled(small.page);
    expect(await graph(small.page).getAttribute('data-overview')).toBe('false');
    await expectReadableGeometry(small.page);
    await shot(small.page, '1024x700-panel-open');
    await small.page.locator('#panel-close').click();
    await expect.poll(() => small.page.locator('#panel').isVisible()).toBe(false);
    await settled(small.page);
    expect(await boxes(small.page)).toEqual(before);
    expect(await small.page.locator('#banner').isVisible()).toBe(false);

    // A refresh that brings nothing new changes nothing either, and says nothing.
    const reads = () => small.seen.requests.filter((url) => url.includes('/graph?')).length;
    const readSoFar = reads();
    await small.page.locator('#auto-refresh').check();
    await expect.poll(reads, { timeout: 20_000 }).toBeGreaterThan(readSoFar);
    await settled(small.page);
    expect(await boxes(small.page)).toEqual(before);
    expect(await small.page.locator('#banner').isVisible()).toBe(false);
  });

  it('takes the keyboard: a node reached and selected, the panel focused, Escape back to where it was', async () => {
    const { page } = await pages.open(link(), SIZES.wide);
    await expectDrawn(page, RESOURCES, CONNECTIONS);
    // After the toolbar, Tab reaches the drawing's node list; its active node reads its type, id and connections.
    await page.locator('#export-png').focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('graph-nodes');
    const active = async () => {
      const id = await page.locator('#graph-nodes').getAttribute('aria-activedescendant');
      const option = page.locator(`#${id}`);
      return { key: (await option.getAttribute('data-key'))!, text: (await option.textContent())! };
    };
    const first = await active();
    expect(first.text).toMatch(/^[a-z ()]+ [\w-]+: \d+ connections?, /);
    // Right: what it connects to.
    await page.keyboard.press('ArrowRight');
    const next = await active();
    const connected = (await edges(page)).some((e) => e.source === first.key && e.target === next.key);
    expect(connected, `${first.key} → ${next.key}`).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect((await active()).key).not.toBe(next.key);
    await page.keyboard.press('ArrowUp');
    expect((await active()).key).toBe(next.key);

    await page.keyboard.press('Enter');
    await expect.poll(() => graph(page).getAttribute('data-selected')).toBe(`n:${next.key}`);
    await expect.poll(() => focused(page)).toBe('panel');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#panel').isVisible()).toBe(false);
    expect(await focused(page)).toBe('graph-nodes');
    expect((await active()).key).toBe(next.key);

    // The table: Enter on a row opens the panel with focus; Escape comes back to the row.
    await page.getByRole('button', { name: 'Table view' }).click();
    const row = page.locator('[data-testid="graph-table"] tbody tr').nth(3);
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    const edgeId = await row.getAttribute('data-edge-id');
    await row.locator('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('panel');
    // Beside the panel, no status breaks over two lines ("disconnected" included).
    const chipLines = await page
      .locator('[data-testid="graph-table"] .chip')
      .evaluateAll((chips) => chips.map((chip) => Math.round(chip.getBoundingClientRect().height)));
    expect(Math.max(...chipLines)).toBeLessThan(24);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#panel').isVisible()).toBe(false);
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as InPage).document.activeElement?.closest('tr')?.getAttribute('data-edge-id'),
      ),
    ).toBe(edgeId);

    // The filters close on Escape, and focus goes back to their button.
    await page.getByRole('button', { name: 'Filters' }).click();
    await expect.poll(() => page.locator('#filters').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await focused(page)).toBe('filters-toggle');
  });

  it('shows every placeholder whole, and says when a token is loaded', async () => {
    const { page } = await pages.open(link(), SIZES.small);
    await settled(page);
    expect(await page.locator('#token').getAttribute('placeholder')).toBe('token loaded');
    await page.getByRole('button', { name: 'Forget token' }).click();
    expect(await page.locator('#token').getAttribute('placeholder')).toBe('paste a token');
    const cut = await page.locator('input[placeholder]').evaluateAll((inputs) =>
      inputs.flatMap((input) => {
        const { document, getComputedStyle } = globalThis as unknown as InPage;
        const style = getComputedStyle(input);
        const measure = document.createElement('canvas').getContext('2d');
        measure.font = style.font;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const text = input.getAttribute('placeholder')!;
        return measure.measureText(text).width > room ? [text] : [];
      }),
    );
    expect(cut).toEqual([]);
  });

  it('has no accessibility violation (axe-core) in any state', async () => {
    const states: [string, Page][] = [];
    const seeded = await pages.open(link(), SIZES.wide);
    await expectDrawn(seeded.page, RESOURCES, CONNECTIONS);
    states.push(['drawn', seeded.page]);
    expect(await accessibilityViolations(seeded.page)).toEqual([]);

    await clickNode(seeded.page, 'database/db-orders');
    await expect.poll(() => seeded.page.locator('#panel').isVisible()).toBe(true);
    expect(await accessibilityViolations(seeded.page), 'resource panel').toEqual([]);
    await seeded.page.getByRole('button', { name: 'Filters' }).click();
    expect(await accessibilityViolations(seeded.page), 'filters open').toEqual([]);
    await seeded.page.keyboard.press('Escape');
    await seeded.page.getByRole('button', { name: 'Table view' }).click();
    await expect.poll(() => seeded.page.locator('[data-testid="graph-table"] tbody tr').count()).toBe(CONNECTIONS);
    expect(await accessibilityViolations(seeded.page), 'table').toEqual([]);

    const big = await openBig(SIZES.small);
    await settled(big.page);
    await clickNode(big.page, await biggestGroup(big.page));
    await expect.poll(() => big.page.url()).toContain('open=');
    await settled(big.page);
    expect(await accessibilityViolations(big.page), 'overview opened').toEqual([]);

    const none = await pages.open(`project=${project}&env=${env}`, SIZES.small);
    await expect.poll(() => graph(none.page).getAttribute('data-state')).toBe('no-token');
    expect(await accessibilityViolations(none.page), 'no token').toEqual([]);
  });

  it('made no request outside the server origin and logged no error', () => {
    expect(pages.seen.flatMap((seen) => seen.errors)).toEqual([]);
  });
});
