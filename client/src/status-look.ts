/**
 * How a status is drawn, wherever a picture of the graph is made: the topology page's edges and
 * legend, and the CLI's DOT and Mermaid. Colour and line style both tell it, so it reads without colour.
 */
import type { Status } from './index.ts';

export const STATUS_LOOK: Record<Status, { color: string; line: 'solid' | 'dashed' | 'dotted'; width: number }> = {
  pending: { color: '#8b919c', line: 'dotted', width: 1.5 },
  connecting: { color: '#c27c00', line: 'dashed', width: 2 },
  connected: { color: '#2f8f46', line: 'solid', width: 1.5 },
  failed: { color: '#d1242f', line: 'solid', width: 3.5 },
  disconnected: { color: '#6d5a9e', line: 'dashed', width: 2 },
};
