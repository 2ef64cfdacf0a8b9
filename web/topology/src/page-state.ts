/**
 * Everything the page holds between events, in one place: the view (what the fragment says), the
 * data read for it, the read in flight, and the drawing on screen. The parts that act on it
 * (loading.ts, drawing.ts, navigation.ts, wiring.ts) take it with the page's widgets as a `Page`.
 */
import type { FilterInputs } from './controls.ts';
import type { GraphView } from './graph-view.ts';
import type { Hierarchy } from './hierarchy.ts';
import type { Graph } from './model.ts';
import type { Panel } from './panel.ts';
import type { Plan } from './plan.ts';
import type { TableView } from './table-view.ts';
import { storedToken } from './token.ts';
import type { ViewState } from './view-state.ts';

/**
 * Why a drawing is made: new data for the view on screen (`refresh`: drawn in place), the user's
 * "Lay out again" (`relayout`), or anything else (`fresh`: a view that differs gets a new plan; a
 * view that does not, a selection say, redraws nothing).
 */
export type Reason = 'fresh' | 'refresh' | 'relayout';

/** The drawing on screen and what it was made from. */
export interface Shown {
  /** The view and room it was planned for (drawingKey). */
  readonly key: string;
  readonly room: { readonly width: number; readonly height: number };
  readonly hierarchy: Hierarchy;
  /** Undefined in the table view, which draws nothing. */
  readonly plan: Plan | undefined;
}

export interface PageState {
  readonly view: ViewState;
  /** The fragment last written or followed: a hashchange to it is the page's own. */
  fragment: string;
  /** The data last read, and the dataKey it was read for. */
  graph: Graph | undefined;
  loadedFor: string;
  /** The read in flight (a newer one aborts it), and the timer of the next refresh. */
  loading: AbortController | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  shown: Shown | undefined;
  /** Counts drawings: an older one that finds a newer one started stops. */
  drawSeq: number;
  drawBusy: boolean;
  /** What had focus when the panel was opened from it: focus returns there when the panel closes. */
  opener: HTMLElement | undefined;
  /** The panel should take focus once it shows (the user opened it). */
  focusPanel: boolean;
}

/** The state and the widgets that show it; `navigate` changes the view and brings the page up to date. */
export interface Page {
  readonly state: PageState;
  readonly view: GraphView;
  readonly panel: Panel;
  readonly table: TableView;
  readonly inputs: FilterInputs;
  navigate(change: Partial<ViewState>, reason?: Reason): void;
}

export function initialState(view: ViewState): PageState {
  return {
    view,
    fragment: location.hash,
    graph: undefined,
    loadedFor: '',
    loading: undefined,
    timer: undefined,
    shown: undefined,
    drawSeq: 0,
    drawBusy: false,
    opener: undefined,
    focusPanel: false,
  };
}

/** What the data depends on: a change of any of these reads again. */
export const dataKey = ({ view }: PageState) =>
  JSON.stringify([view.project, view.env, view.focus, view.depth, view.direction, storedToken()]);

/** What a drawing depends on besides the data: the filters, the opened groups, the view, and the room. */
export const drawingKey = (state: PageState, room: { width: number; height: number }) => {
  const { view } = state;
  return JSON.stringify([
    dataKey(state),
    [...view.statuses],
    [...view.types],
    view.problemsOnly,
    view.view,
    [...view.open].sort(),
    [room.width, room.height],
  ]);
};
