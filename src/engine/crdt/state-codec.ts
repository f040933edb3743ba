/**
 * Byte encoding of CRDT signal states: what reconciliation ships and what a MERGE record in
 * the WAL keeps, so that merged state survives a crash like any applied write.
 */
import { invariant } from '../assert';
import { ByteReader, ByteWriter } from '../batch/bytes';
import { CorruptBatchError } from '../errors';
import { CrdtSignalState } from './signal-state';

export interface StateItem {
  tenant: string;
  entity: string;
  signal: number;
  state: CrdtSignalState;
}

export function encodeStates(items: readonly StateItem[]): Uint8Array {
  const w = new ByteWriter(256 + items.length * 96);
  w.u32(items.length);
  for (const it of items) {
    w.str16(it.tenant);
    w.str16(it.entity);
    w.u8(it.signal);
    const s = it.state;
    // Counts travel as one byte each; more would wrap silently and corrupt every later state.
    invariant(
      s.origins.length <= 255 && s.counts.entries.length <= 255,
      () => `${it.entity}: ${s.origins.length} origins, ${s.counts.entries.length} counters; at most 255 fit`,
    );
    w.u8(s.origins.length);
    for (const o of s.origins) {
      w.str16(o.origin);
      w.u32(o.version);
      w.f64(o.value);
      w.f64(o.refTimeMs);
    }
    w.u8(s.counts.entries.length);
    for (const e of s.counts.entries) {
      w.str16(e.node);
      w.u32(e.p);
      w.u32(e.n);
    }
    const stamp = s.last.stamp;
    w.u8(stamp ? 1 : 0);
    if (stamp) {
      w.f64(stamp.wallMs);
      w.u32(stamp.logical);
      w.str16(stamp.node);
      w.f64(s.last.value!.timeMs);
      w.f64(s.last.value!.weight);
    }
  }
  return w.finish();
}

export function decodeStates(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
  signalCount = 255,
): StateItem[] {
  const r = new ByteReader(bytes, start, end);
  const n = r.u32('state count');
  if (n > (end - start) / 8)
    throw new CorruptBatchError(`state count ${n} cannot fit in ${end - start} bytes`, start);
  const items: StateItem[] = [];
  for (let i = 0; i < n; i++) {
    const tenant = r.str16('tenant');
    const entity = r.str16('entity');
    const signal = r.u8('signal');
    if (signal >= signalCount)
      throw new CorruptBatchError(`signal index ${signal} is not in the schema`, r.pos - 1);
    const state = new CrdtSignalState();
    const origins = r.u8('origin count');
    for (let k = 0; k < origins; k++) {
      state.origins.push({
        origin: r.str16('origin'),
        version: r.u32('version'),
        value: r.f64('value'),
        refTimeMs: r.f64('ref time'),
      });
    }
    state.origins.sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0));
    const counters = r.u8('counter count');
    for (let k = 0; k < counters; k++) {
      const node = r.str16('counter node');
      const p = r.u32('increments');
      const m = r.u32('decrements');
      state.counts.increment(node, p);
      state.counts.decrement(node, m);
    }
    if (r.u8('last flag') === 1) {
      const stamp = { wallMs: r.f64('hlc wall'), logical: r.u32('hlc logical'), node: r.str16('hlc node') };
      state.last.set({ timeMs: r.f64('last time'), weight: r.f64('last weight') }, stamp);
    }
    items.push({ tenant, entity, signal, state });
  }
  if (r.remaining() !== 0)
    throw new CorruptBatchError(`${r.remaining()} trailing bytes after ${n} states`, r.pos);
  return items;
}
