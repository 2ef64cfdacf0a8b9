/**
 * The topology page: reads the view from the URL fragment, loads the graph with the user's token,
 * draws it (every resource, or an overview when that would not be readable), and keeps controls,
 * table, panel, fragment and the published geometry in step. The state lives in page-state.ts;
 * loading.ts reads, drawing.ts draws, navigation.ts changes the view, wiring.ts listens.
 */
import { buildControls } from './controls.ts';
import { byId } from './dom.ts';
import { BANNER_ROOM, PANEL_WIDTH } from './drawing.ts';
import { GraphView } from './graph-view.ts';
import { NodeKeys } from './keyboard.ts';
import { apply, navigate } from './navigation.ts';
import { initialState, type Page } from './page-state.ts';
import { Panel } from './panel.ts';
import { closePanel, pick } from './selection.ts';
import { TableView } from './table-view.ts';
import { takeToken } from './token.ts';
import { parseFragment } from './view-state.ts';
import { chooseNode, wire } from './wiring.ts';

const area = byId('graph');
byId('panel').style.width = `${PANEL_WIDTH}px`;
byId('banner').style.maxHeight = `${BANNER_ROOM}px`;

const view = new GraphView(
  byId('graph-canvas'),
  area,
  { nodes: byId('graph-nodes'), edges: byId('graph-edges') },
  {
    settling: () => {
      if (area.dataset.state === 'ready') area.dataset.state = 'settling';
    },
    settled: () => {
      if (area.dataset.state === 'settling') area.dataset.state = 'ready';
    },
    drawn: () => keys.redrawn(),
  },
  PANEL_WIDTH,
);
const page: Page = {
  state: initialState(parseFragment(takeToken())),
  view,
  inputs: buildControls(),
  table: new TableView((id, from) => pick(page, `e:${id}`, from)),
  panel: new Panel(
    {
      selectEdge: (id) => pick(page, `e:${id}`, null),
      selectNode: (key) => pick(page, `n:${key}`, null),
      focus: (key, depth, direction) =>
        navigate(page, { focus: key, depth, direction, selected: `n:${key}`, open: new Set() }),
    },
    () => closePanel(page),
  ),
  navigate: (change, reason) => navigate(page, change, reason),
};
const keys = new NodeKeys(byId('graph-nodes'), byId('graph-view'), view, {
  choose: (id, from) => chooseNode(page, id, from),
});

wire(page);
void apply(page);
