/**
 * Moved to bench/platform.ts: only the benchmarks use it. This re-export keeps the capacity and
 * sweep benchmarks' imports working until they import bench/platform.ts themselves; then delete it.
 */
export * from '../bench/platform.ts';
