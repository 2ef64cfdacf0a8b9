/** What the page and its layout worker say to each other. */
export interface LayoutRequest {
  readonly id: number;
  /** Each node's box (shape and label together), in model pixels. */
  readonly nodes: readonly { id: string; w: number; h: number }[];
  readonly edges: readonly { id: string; source: string; target: string }[];
  /** The room the drawing is fitted into, less its margins, in CSS px: separate parts are packed to its shape. */
  readonly area: Area;
  /** The same beside the panel: a layout readable there too is preferred, so opening the panel moves nothing out of view. */
  readonly narrow: Area;
  /** The smallest zoom at which labels are readable. */
  readonly minZoom: number;
}
export interface Area {
  readonly width: number;
  readonly height: number;
}
export interface LayoutAnswer {
  readonly id: number;
  /** Each node's box, top-left corner. */
  readonly positions: Record<string, { x: number; y: number }>;
  readonly error?: string;
}
