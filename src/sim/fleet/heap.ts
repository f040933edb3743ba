/**
 * Heap used, after a full collection when the process runs with --expose-gc (`npm run simulate`
 * does), so that growth over a long soak shows; without it the figure says so.
 */
import * as v8 from 'node:v8';

export interface HeapReading {
  heapBytes: number;
  /** Measured after a full garbage collection. */
  gc: boolean;
}

export function readHeap(): HeapReading {
  const gc = (globalThis as { gc?: (opts?: { type: 'major' }) => void }).gc;
  if (gc) {
    gc({ type: 'major' });
    gc({ type: 'major' });
  }
  return { heapBytes: v8.getHeapStatistics().used_heap_size, gc: gc !== undefined };
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
