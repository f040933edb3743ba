// A stand-in simulation worker for the pool's tests: it speaks the worker protocol (protocol.ts)
// and misbehaves by seed: seed ≡ 3 (mod 10) exits its thread, ≡ 5 throws outside any handler,
// ≡ 7 never answers (a busy loop), ≡ 9 rejects (the run threw); every other seed passes at once.
/* global setImmediate */
const { parentPort } = require('node:worker_threads');

const faults = { byKind: {} };
parentPort.on('message', (m) => {
  if (m.type === 'heap') return parentPort.postMessage({ type: 'heap', heapBytes: 1, gc: false });
  const kind = m.seed % 10;
  if (kind === 3) process.exit(3);
  if (kind === 5)
    setImmediate(() => {
      throw new Error(`boom at seed ${m.seed}`);
    });
  else if (kind === 7) for (;;);
  else if (kind === 9) parentPort.postMessage({ type: 'threw', index: m.index, message: 'generator broke' });
  else {
    const outcome = { seed: m.seed, simulatedMs: 1000, tasks: 1, faultsByKind: faults.byKind, wallMs: 0 };
    parentPort.postMessage({ type: 'done', index: m.index, outcome: JSON.stringify(outcome) });
  }
});
parentPort.postMessage({ type: 'ready', heapBytes: 1, gc: false });
