/**
 * Keeping the picture current, as the "Live updates" switch asks: while the page is subscribed to
 * its environment's channel (docs/api.md, Watching changes) each pushed change is drawn in place and
 * nothing is read; while it is not (the service names no endpoint, the socket cannot be opened or
 * dropped, the subscription was refused) the graph is read every REFRESH_MS. After every
 * (re)subscription one read catches up on what was missed meanwhile. The indicator beside the
 * switch says which, in words.
 */
import { channelOf, discoverRealtime, subscribeChannel, type RealtimeEndpoint } from '../../../client/src/realtime.ts';
import { describe } from './api.ts';
import { applyChanges, changeOf } from './changes.ts';
import { byId } from './dom.ts';
import { receive } from './drawing.ts';
import { DEADLINE_NEAR_MS, type Graph } from './model.ts';
import { dataKey, type Live, type LiveState, type Page } from './page-state.ts';
import { storedToken } from './token.ts';

export const REFRESH_MS = 5000;
/** Changes that come together are drawn together. */
const BATCH_MS = 100;
/** How long a first read waits for the subscription, so that it need not read again to catch up. */
const WAIT_MS = 2000;

const WORDS: Record<LiveState, [text: string, title: string]> = {
  off: ['Off', 'Changes are not followed: switch Live updates on to follow them.'],
  idle: ['Not connected', 'Live updates start once a project, an environment and a token are loaded.'],
  connecting: ['Connecting…', 'Opening the live connection to the service.'],
  live: ['Live', 'Changes are pushed to this page as they happen; it reads nothing while nothing changes.'],
  paused: [`Paused · reading every ${REFRESH_MS / 1000} s`, 'The live connection is down.'],
};

const switchedOn = () => byId<HTMLInputElement>('live-updates').checked;

/** The real-time endpoint, asked of the service once (again after a failure). */
let discovery: Promise<RealtimeEndpoint> | undefined;

/** Subscribes for the view's project, environment and token, if not already; or stops, when there is none or the switch is off. */
export function watch(page: Page): void {
  const live = page.state.live;
  const { project, env } = page.state.view;
  const token = storedToken();
  const key = switchedOn() && project && env && token ? JSON.stringify([project, env, token]) : '';
  if (key === live.key) return;
  live.subscription?.close();
  clearTimeout(live.flush);
  clearTimeout(live.rejudge);
  Object.assign(live, { key, subscription: undefined, queue: [], catchUp: false, flush: undefined });
  live.gone.clear();
  if (!key) {
    show(live, switchedOn() ? 'idle' : 'off');
    live.ready = Promise.resolve();
    return;
  }
  show(live, 'connecting');
  let settle = () => undefined as void;
  live.ready = new Promise<void>((resolve) => {
    settle = resolve;
    setTimeout(resolve, WAIT_MS);
  });
  void subscribe(page, key, project, env, () => settle());
}

async function subscribe(page: Page, key: string, project: string, env: string, settle: () => void): Promise<void> {
  const live = page.state.live;
  const mine = () => live.key === key;
  let endpoint: RealtimeEndpoint;
  try {
    endpoint = await (discovery ??= discoverRealtime(location.origin));
  } catch (error) {
    discovery = undefined;
    if (mine()) paused(page, `Live updates are not available here: ${describe(error)}`);
    return settle();
  }
  if (!mine()) return;
  live.subscription = subscribeChannel({
    endpoint,
    channel: channelOf(project, env),
    token: storedToken,
    onEvent: (envelope) => {
      const change = mine() && changeOf(envelope, project, env);
      if (!change) return;
      live.queue.push(change);
      live.flush ??= setTimeout(() => flush(page), BATCH_MS);
    },
    onStatus: (status) => {
      if (!mine()) return;
      if (status === 'live') {
        show(live, 'live');
        keepCurrent(page);
        settle();
      } else if (status === 'paused') {
        paused(page, 'The live connection dropped: reconnecting.');
        settle();
      } else if (live.state !== 'paused') show(live, 'connecting');
    },
    onSubscribed: () => mine() && catchUp(page),
    onRefused: (error) => {
      if (mine()) paused(page, `The live connection was refused (${error.message}).`);
      settle();
    },
  });
}

function show(live: Live, state: LiveState, why?: string): void {
  live.state = state;
  const box = byId('live-state');
  const reason = why ? `${why} The page reads the graph every ${REFRESH_MS / 1000} s meanwhile.` : WORDS[state][1];
  box.dataset.state = state;
  box.title = reason;
  // Said once per change (the box is a polite live region), not at every reconnection attempt.
  if (byId('live-word').textContent !== WORDS[state][0]) {
    byId('live-word').textContent = WORDS[state][0];
    byId('live-why').textContent = ` (${reason})`;
  }
}

function paused(page: Page, why: string): void {
  const before = page.state.live.state;
  show(page.state.live, 'paused', why);
  if (before !== 'paused') keepCurrent(page);
}

/** After every (re)subscription: one read finds what was missed while not subscribed. */
function catchUp(page: Page): void {
  const { state } = page;
  // A read that is still waiting for the subscription reads after it anyway.
  if (state.reading === 'reading') state.live.catchUp = true;
  else if (!state.reading && state.graph && state.loadedFor === dataKey(state)) void page.read(true);
}

/** The changes waiting, applied to `graph` (the one on screen, or a read just in); a neighbourhood they may change is read again. */
export function withChanges(page: Page, graph: Graph): Graph {
  const { live, view } = page.state;
  const changes = live.queue.splice(0);
  if (changes.length === 0) return graph;
  const applied = applyChanges(graph, changes, live.gone, view.focus !== undefined, Date.now());
  if (applied.reread) live.catchUp = true;
  return applied.graph ?? graph;
}

/** Draws the changes that came, unless a read is in flight (its answer takes them). */
function flush(page: Page): void {
  const { state } = page;
  state.live.flush = undefined;
  if (state.reading) return;
  // Nothing on screen for this view: the next read will bring the current state.
  if (!state.graph || state.loadedFor !== dataKey(state)) return void state.live.queue.splice(0);
  const next = withChanges(page, state.graph);
  if (state.live.catchUp) {
    state.live.catchUp = false;
    void page.read(true);
  } else if (next !== state.graph) void receive(page, next).then(() => keepCurrent(page));
}

/**
 * Sets what keeps the picture current once a read or drawing is done: nothing to read while live
 * (only deadlines to judge again when the next one comes within a minute), else the next read in
 * REFRESH_MS, unless the switch is off or the token was refused.
 */
export function keepCurrent(page: Page): void {
  const { state } = page;
  clearTimeout(state.timer);
  clearTimeout(state.live.rejudge);
  if (!switchedOn() || state.denied) return;
  if (state.live.state === 'live' && state.graph) return rejudgeDeadlines(page, state.graph);
  state.timer = setTimeout(() => void page.read(true), REFRESH_MS);
}

/** Deadlines are judged at the time the graph was read: while nothing is read, again when the next one comes near. */
function rejudgeDeadlines(page: Page, graph: Graph): void {
  let next = Infinity;
  for (const edge of graph.edges.values()) {
    const near = edge.statusDeadline ? Date.parse(edge.statusDeadline) - DEADLINE_NEAR_MS : Infinity;
    if (near > graph.readAt && near < next) next = near;
  }
  if (next === Infinity) return;
  // setTimeout holds at most 2^31 - 1 ms; a later deadline is judged on the way.
  const wait = Math.min(Math.max(0, next - Date.now()) + 10, 2 ** 31 - 1);
  page.state.live.rejudge = setTimeout(() => {
    if (page.state.graph !== graph) return;
    void receive(page, { ...graph, readAt: Date.now() }).then(() => keepCurrent(page));
  }, wait);
}
