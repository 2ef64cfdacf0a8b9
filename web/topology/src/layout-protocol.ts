/** What the page and its layout worker say to each other. */
export interface LayoutRequest {
  readonly id: number;
  /** Each node's box (shape and label together), in model pixels. */
  readonly nodes: readonly { id: string; w: number; h: number }[];
  readonly edges: readonly { id: string; source: string; target: string }[];
  /** Width over height of the drawing area: disconnected parts are packed in rows towards it. */
  readonly aspectRatio: number;
}
export interface LayoutAnswer {
  readonly id: number;
  /** Each node's box, top-left corner. */
  readonly positions: Record<string, { x: number; y: number }>;
  readonly error?: string;
}
