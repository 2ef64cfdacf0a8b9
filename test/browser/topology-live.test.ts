/**
 * The topology page following changes live, in headless Chromium against the local server: while
 * subscribed to its environment's channel, a change made through the API is drawn without any
 * graph request (a new connection, a status, a deletion); when the real-time endpoint cannot be
 * reached it says "Paused" and reads every 5 s instead; the indicator is reached from the keyboard
 * and says why.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call, connectionsPath, freshEnvironment, project, token } from '../support/api.ts';
import { launchChromium } from '../../testkit/browser.ts';
import {
  accessibilityViolations,
  boxes,
  edges,
  expectDrawn,
  expectReadableGeometry,
  expectSameArrangement,
  focused,
  Pages,
  seed,
  SEED,
  shot,
  SIZES,
} from './support.ts';

const env = freshEnvironment();
const bearer = token();
const link = `project=${project}&env=${env}&token=${bearer}`;
let browser: Browser;
let resources: number;
const pages = new Pages(() => browser);

beforeAll(async () => {
  await seed(env);
  const read = await call('GET', `/api/${project}/${env}/graph?limit=1000`);
  resources = read.body.nodes.length;
  browser = await launchChromium();
  mkdirSync('.data', { recursive: true });
}, 120_000);

afterEach(() => pages.closeAll());

afterAll(async () => {
  await browser?.close();
});

const liveState = (page: Page) => page.locator('#live-state').getAttribute('data-state');
const word = (page: Page) => page.locator('#live-word').textContent();

async function create(sourceResourceId: string): Promise<string> {
  const created = await call('POST', connectionsPath(env), {
    json: {
      sourceResourceType: 'application',
      sourceResourceId,
      targetResourceType: 'instance',
      targetResourceId: 'i-web-2',
    },
  });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

const statusOf = async (page: Page, source: string) =>
  (await edges(page)).find((edge) => edge.source === source)?.drawn.join(' ');

describe('the topology page, live', () => {
  it('draws a new connection, a status change and a deletion made through the API without reading the graph again', async () => {
    const sockets: string[] = [];
    const { page, seen } = await pages.open(link, SIZES.wide, async (opened) => {
      opened.on('websocket', (socket) => sockets.push(socket.url()));
    });
    await expectDrawn(page, resources, SEED.length);
    await expect.poll(() => liveState(page), { timeout: 15_000 }).toBe('live');
    expect(await word(page)).toBe('Live');
    // One socket, to the endpoint the service names.
    expect(sockets).toEqual([(await call('GET', '/realtime', { token: null })).body.url]);
    const reads = () => seen.requests.filter((url) => url.includes('/graph?')).length;
    const readSoFar = reads();
    const before = await boxes(page);

    const id = await create('app-live');
    await expectDrawn(page, resources + 1, SEED.length + 1);
    const after = await expectReadableGeometry(page);
    expectSameArrangement(before, after);
    expect(await statusOf(page, 'application/app-live')).toBe('pending');

    const moved = await call('PATCH', `${connectionsPath(env)}/${id}`, {
      json: { status: 'failed', statusReason: 'refused' },
    });
    expect(moved.status, moved.text).toBe(200);
    await expect.poll(() => statusOf(page, 'application/app-live'), { timeout: 10_000 }).toBe('failed');
    await shot(page, '1400x900-live');

    expect((await call('DELETE', `${connectionsPath(env)}/${id}`)).status).toBe(204);
    await expectDrawn(page, resources, SEED.length);
    // Longer than a polling period: nothing was read, everything was pushed.
    await page.waitForTimeout(6000);
    expect(reads()).toBe(readSoFar);
    expect(await liveState(page)).toBe('live');
  });

  it('says "Paused" and reads every 5 s when the real-time endpoint cannot be reached, and still shows a change', async () => {
    const { page, seen } = await pages.open(link, SIZES.small, async (opened) => {
      await opened.route('**/realtime', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
    });
    await expectDrawn(page, resources, SEED.length);
    await expect.poll(() => liveState(page), { timeout: 15_000 }).toBe('paused');
    expect(await word(page)).toBe('Paused · reading every 5 s');
    expect(await page.locator('#live-state').getAttribute('title')).toContain('Live updates are not available here');
    const reads = () => seen.requests.filter((url) => url.includes('/graph?')).length;
    const readSoFar = reads();

    const id = await create('app-polled');
    await expectDrawn(page, resources + 1, SEED.length + 1);
    expect(reads()).toBeGreaterThan(readSoFar);
    await shot(page, '1024x700-paused');
    expect((await call('DELETE', `${connectionsPath(env)}/${id}`)).status).toBe(204);
  });

  it('reads nothing with the switch off, and catches up once when it is switched on again', async () => {
    const { page, seen } = await pages.open(link, SIZES.small);
    await expectDrawn(page, resources, SEED.length);
    await expect.poll(() => liveState(page), { timeout: 15_000 }).toBe('live');
    await page.locator('#live-updates').uncheck();
    expect(await liveState(page)).toBe('off');
    const reads = () => seen.requests.filter((url) => url.includes('/graph?')).length;
    const readSoFar = reads();

    const id = await create('app-missed');
    await page.waitForTimeout(6000);
    expect(reads()).toBe(readSoFar);
    await expectDrawn(page, resources, SEED.length);

    await page.locator('#live-updates').check();
    await expectDrawn(page, resources + 1, SEED.length + 1);
    await expect.poll(() => liveState(page)).toBe('live');
    expect(reads()).toBe(readSoFar + 1);
    await shot(page, '1024x700-live');
    expect((await call('DELETE', `${connectionsPath(env)}/${id}`)).status).toBe(204);
  });

  it('is reached from the keyboard, says why it is in the state it is in, and has no accessibility violation', async () => {
    const { page } = await pages.open(link, SIZES.wide);
    await expectDrawn(page, resources, SEED.length);
    await expect.poll(() => liveState(page), { timeout: 15_000 }).toBe('live');
    await page.locator('#live-updates').focus();
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('live-state');
    const read = await page.locator('#live-state').evaluate((box) => box.textContent);
    expect(read).toContain('Live');
    expect(read).toContain('it reads nothing while nothing changes');
    // Space toggles the switch: the keyboard alone turns it off and on.
    await page.locator('#live-updates').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => liveState(page)).toBe('off');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.keyboard.press('Space');
    await expect.poll(() => liveState(page), { timeout: 15_000 }).toBe('live');
  });

  it('made no request outside the server origin and logged no error', () => {
    const origin = new URL(baseUrl).origin;
    for (const url of pages.seen.flatMap((seen) => seen.requests))
      expect(url.startsWith('data:') || new URL(url).origin === origin, url).toBe(true);
    // The browser logs the 503 the paused test answers for GET /realtime; nothing else.
    const injected = 'Failed to load resource: the server responded with a status of 503 (Service Unavailable)';
    expect(pages.seen.flatMap((seen) => seen.errors).filter((error) => error !== injected)).toEqual([]);
  });
});
