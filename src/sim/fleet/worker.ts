/**
 * A simulation worker thread: runs the seeds the pool hands it, one at a time, and answers each
 * with its outcome (shrunk, when it failed, here where it ran). Reads wall time only to bound
 * shrinking and to time the seed, as the single-threaded run does.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { readHeap } from './heap';
import { runSeed } from './outcome';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol';

const port = parentPort;
if (!port) throw new Error('src/sim/fleet/worker.ts runs in a worker thread (see pool.ts)');
const { config } = workerData as WorkerSetup;
const post = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'heap') {
    post({ type: 'heap', ...readHeap() });
    return;
  }
  runSeed(
    m.seed,
    config,
    () => performance.now(),
    () => post({ type: 'shrinking', index: m.index }),
  ).then(
    (outcome) => post({ type: 'done', index: m.index, outcome: JSON.stringify(outcome) }),
    (err: unknown) =>
      post({
        type: 'threw',
        index: m.index,
        message: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
post({ type: 'ready', ...readHeap() });
