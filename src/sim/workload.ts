/**
 * The workload generator: what clients do during a simulated run. Writes of several signals to a
 * small pool of entities (so writes collide), some entering at a follower region, some under a
 * tenant; negative weights (retractions); keyed writes and their retries, with the same key and
 * payload, sometimes through another region; and client sessions that write and read through one
 * region; and, as the seed's mix weighs it, tenants reusing a key another tenant used (a key is
 * per tenant, so that is a different write). Weights and times are printable exactly (halves, whole ms), so a schedule prints as
 * Gherkin without rounding. Every choice comes from the workload's own seeded stream.
 */
import type { SeededRng } from '../cluster';
import { BAD_REQUESTS, type Mix, type Operation, type SessionSpec, type WriteOp } from './schedule';
import { pickWeighted } from './swarm';

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
  /** The seed's workload weights (absent: the classic mix). */
  mix?: Mix;
}

const CLASSIC: Mix['workload'] = {
  write: 5,
  'tenant-write': 1,
  'keyed-write': 1,
  retry: 1,
  'session-write': 0.8,
  'session-read': 1.2,
  'bad-request': 0,
};

export function generateWorkload(rng: SeededRng, shape: WorkloadShape): Workload {
  const entityCount = rng.int(6, 32);
  const sessions: SessionSpec[] = Array.from({ length: rng.int(2, 6) }, (_, i) => ({
    id: i + 1,
    region: rng.pick(shape.regions),
    policy: rng.chance(0.7) ? 'wait' : 'redirect',
    timeoutMs: rng.pick(TIMEOUTS_MS),
    ...(rng.chance(0.25) ? { tenant: rng.pick(TENANTS) } : {}),
  }));
  const weights = shape.mix?.workload ?? CLASSIC;
  const sharedKeys = shape.mix?.sharedKeys ?? 0;
  const keyed: WriteOp[] = [];
  /** The keys each tenant has used ('' for none): a key is reused only by another tenant. */
  const keysOf = new Map<string, Set<string>>();
  const ops: Operation[] = [];
  let atMs = 0;
  let nextKey = 1;
  const entity = (): string => `e-${rng.int(0, entityCount - 1)}`;
  const via = (): string | undefined => (rng.chance(0.5) ? undefined : rng.pick(shape.regions));
  const keyFor = (tenant: string): string => {
    const mine = keysOf.get(tenant) ?? new Set<string>();
    keysOf.set(tenant, mine);
    const others = keyed.filter((k) => (k.tenant ?? '') !== tenant && !mine.has(k.idempotencyKey!));
    const key =
      others.length > 0 && rng.chance(sharedKeys) ? rng.pick(others).idempotencyKey! : `k-${nextKey++}`;
    mine.add(key);
    return key;
  };
  /** A write's signal, entity and weight, drawn in that order (the order keeps seeds stable). */
  const payload = (): WriteOp => ({
    kind: 'write',
    atMs,
    signal: rng.pick(SIGNALS),
    entity: entity(),
    weight: rng.pick(WEIGHTS),
  });
  for (let i = 0; i < shape.ops; i++) {
    atMs += rng.chance(0.3) ? 0 : rng.int(1, 15);
    let kind = pickWeighted(rng, weights) ?? 'write';
    if (kind === 'retry' && keyed.length === 0) kind = 'keyed-write';
    switch (kind) {
      case 'write':
        ops.push({ ...payload(), ...opt('via', via()) });
        break;
      case 'tenant-write':
        ops.push({ ...payload(), tenant: rng.pick(TENANTS), ...opt('via', via()) });
        break;
      case 'keyed-write': {
        const tenant = rng.chance(0.3 + sharedKeys) ? rng.pick(TENANTS) : undefined;
        const w: WriteOp = {
          ...payload(),
          ...opt('via', via()),
          ...opt('tenant', tenant),
          idempotencyKey: keyFor(tenant ?? ''),
        };
        keyed.push(w);
        ops.push(w);
        break;
      }
      case 'retry': {
        // The same key and payload, maybe through another region, maybe much later.
        const first = keyed[rng.chance(0.5) ? keyed.length - 1 : rng.int(0, keyed.length - 1)]!;
        const retryVia = rng.chance(0.5) ? first.via : via();
        const { via: _firstVia, ...same } = first;
        ops.push({ ...same, atMs, retry: true, ...opt('via', retryVia) });
        break;
      }
      case 'session-write': {
        const s = rng.pick(sessions);
        ops.push({
          kind: 'session-write',
          atMs,
          session: s.id,
          signal: rng.pick(SIGNALS),
          entity: entity(),
          weight: rng.pick(WEIGHTS),
        });
        break;
      }
      case 'session-read': {
        const s = rng.pick(sessions);
        ops.push({ kind: 'session-read', atMs, session: s.id, signal: rng.pick(SIGNALS), entity: entity() });
        break;
      }
      case 'bad-request':
        ops.push({
          kind: 'bad-request',
          atMs,
          problem: rng.pick(BAD_REQUESTS),
          region: rng.pick(shape.regions),
        });
        break;
    }
  }
  return { sessions, ops };
}

/** `{ [key]: value }` when value is defined, `{}` otherwise (keeps schedules free of undefined). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
