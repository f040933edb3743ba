/**
 * The workload generator: what clients do during a simulated run. Writes of several signals to a
 * small pool of entities (so writes collide), some entering at a follower region, some under a
 * tenant; negative weights (retractions); keyed writes and their retries, with the same key and
 * payload, sometimes through another region; and client sessions that write and read through one
 * region. Weights and times are printable exactly (halves, whole ms), so a schedule prints as
 * Gherkin without rounding. Every choice comes from the workload's own seeded stream.
 */
import type { SeededRng } from '../cluster';
import type { Operation, SessionSpec, WriteOp } from './schedule';

const SIGNALS = ['click', 'click', 'click', 'view', 'view', 'purchase'];
const WEIGHTS = [1, 1, 1, 1, 2, 0.5, 1.5, 3, 5, -1, -0.5, -2];
const TENANTS = ['acme', 'globex'];
const TIMEOUTS_MS = [200, 1_000, 3_000];

export interface Workload {
  sessions: SessionSpec[];
  ops: Operation[];
}

export interface WorkloadShape {
  regions: readonly string[];
  ops: number;
}

export function generateWorkload(rng: SeededRng, shape: WorkloadShape): Workload {
  const entityCount = rng.int(6, 32);
  const sessions: SessionSpec[] = Array.from({ length: rng.int(2, 6) }, (_, i) => ({
    id: i + 1,
    region: rng.pick(shape.regions),
    policy: rng.chance(0.7) ? 'wait' : 'redirect',
    timeoutMs: rng.pick(TIMEOUTS_MS),
    ...(rng.chance(0.25) ? { tenant: rng.pick(TENANTS) } : {}),
  }));
  const keyed: WriteOp[] = [];
  const ops: Operation[] = [];
  let atMs = 0;
  let nextKey = 1;
  const entity = (): string => `e-${rng.int(0, entityCount - 1)}`;
  const via = (): string | undefined => (rng.chance(0.5) ? undefined : rng.pick(shape.regions));
  for (let i = 0; i < shape.ops; i++) {
    atMs += rng.chance(0.3) ? 0 : rng.int(1, 15);
    const roll = rng.next();
    if (roll < 0.5) {
      ops.push({
        kind: 'write',
        atMs,
        signal: rng.pick(SIGNALS),
        entity: entity(),
        weight: rng.pick(WEIGHTS),
        ...opt('via', via()),
      });
    } else if (roll < 0.6) {
      ops.push({
        kind: 'write',
        atMs,
        signal: rng.pick(SIGNALS),
        entity: entity(),
        weight: rng.pick(WEIGHTS),
        tenant: rng.pick(TENANTS),
        ...opt('via', via()),
      });
    } else if (roll < 0.7) {
      const w: WriteOp = {
        kind: 'write',
        atMs,
        signal: rng.pick(SIGNALS),
        entity: entity(),
        weight: rng.pick(WEIGHTS),
        ...opt('via', via()),
        ...opt('tenant', rng.chance(0.3) ? rng.pick(TENANTS) : undefined),
        idempotencyKey: `k-${nextKey++}`,
      };
      keyed.push(w);
      ops.push(w);
    } else if (roll < 0.8 && keyed.length > 0) {
      // A retry: the same key and payload, maybe through another region, maybe much later.
      const first = keyed[rng.chance(0.5) ? keyed.length - 1 : rng.int(0, keyed.length - 1)]!;
      const retryVia = rng.chance(0.5) ? first.via : via();
      const { via: _firstVia, ...payload } = first;
      ops.push({ ...payload, atMs, retry: true, ...opt('via', retryVia) });
    } else if (roll < 0.88) {
      const s = rng.pick(sessions);
      ops.push({
        kind: 'session-write',
        atMs,
        session: s.id,
        signal: rng.pick(SIGNALS),
        entity: entity(),
        weight: rng.pick(WEIGHTS),
      });
    } else {
      const s = rng.pick(sessions);
      ops.push({ kind: 'session-read', atMs, session: s.id, signal: rng.pick(SIGNALS), entity: entity() });
    }
  }
  return { sessions, ops };
}

/** `{ [key]: value }` when value is defined, `{}` otherwise (keeps schedules free of undefined). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
