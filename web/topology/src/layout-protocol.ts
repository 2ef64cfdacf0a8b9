/** What the page and its layout worker say to each other. */
export interface LayoutRequest {
  readonly id: number;
  readonly nodes: readonly { id: string; size: number; x?: number; y?: number }[];
  readonly edges: readonly { id: string; source: string; target: string }[];
  /** Keep the given positions as the start (a refresh that added a few resources). */
  readonly incremental: boolean;
}
export interface LayoutAnswer {
  readonly id: number;
  readonly positions: Record<string, { x: number; y: number }>;
  readonly error?: string;
}
