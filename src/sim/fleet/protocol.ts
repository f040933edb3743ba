/**
 * The messages between the main thread and a simulation worker. Outcomes travel as JSON text, not
 * as structured clones: a violation's evidence may hold values a clone refuses or reshapes, and
 * the text is exactly what the run report will hold.
 */
import type { SeedConfig } from './outcome';

/** What a worker is started with (its `workerData`). */
export interface WorkerSetup {
  config: SeedConfig;
}

export type ToWorker = { type: 'seed'; index: number; seed: number } | { type: 'heap' };

export type FromWorker =
  | { type: 'ready'; heapBytes: number; gc: boolean }
  /** The seed failed and is being shrunk: its time limit grows by the shrinking budget. */
  | { type: 'shrinking'; index: number }
  | { type: 'done'; index: number; outcome: string }
  /** The run threw outside the simulated cluster (the generator, the shrinker): the seed is an error. */
  | { type: 'threw'; index: number; message: string }
  | { type: 'heap'; heapBytes: number; gc: boolean };
