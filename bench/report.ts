/** Markdown tables and number formats for the benchmark's printout. */
import { cpus, totalmem } from 'node:os';

export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const align = headers.map((_, i) =>
    rows.every((row) => typeof row[i] === 'number' || /^[\d.,×%+−-]+/.test(String(row[i]))) ? '---:' : '---',
  );
  return [
    `| ${headers.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(String).join(' | ')} |`),
  ].join('\n');
}

/** A benchmark's setting from the environment, `fallback` when unset: a positive number (or zero, if allowed). */
export function setting(name: string, fallback: number, { zero = false } = {}): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero))
    throw new Error(`${name} must be a ${zero ? 'non-negative' : 'positive'} number`);
  return value;
}

export const machine = (): string =>
  `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;

export const ms = (value: number): string => value.toFixed(value < 10 ? 2 : 1);
export const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
export const ratio = (value: number, digits = 2): string =>
  Number.isFinite(value) ? `${value.toFixed(digits)}×` : '∞';
export const units = (value: number | undefined): string =>
  value === undefined ? 'n/a' : String(Math.round(value * 100) / 100);
export const verdict = (ok: boolean): string => (ok ? 'ok' : '**over**');

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
