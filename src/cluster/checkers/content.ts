/**
 * What the write, score and lost-write checkers read of one replica, whoever holds it: the
 * (tenant, entity, signal) states with their write counts, scores and per-origin versions, the
 * event its log holds at a SeqNo, and its ack policy. Two sources give it: an engine in this
 * process (the simulator: `engineContent`) and a node's `GET /v1/state` answer (a real
 * deployment: `reportedContent`). A report states scores at the time it was read, so a checker
 * judging one judges at that time and no other (asking for another is an assertion: a checker
 * that did would compare numbers of two different instants).
 */
import type { AckPolicy, Hlc, Schema, TidalDb } from '../../engine';
import type { LogEvent, StateResponse } from '../../server/protocol';

/** One (tenant, entity, signal) a replica holds, scored at the time it is judged at. */
export interface ContentEntry {
  tenant: string;
  entity: string;
  /** The signal's index in the schema. */
  signal: number;
  /** Writes its CRDT state counts (increments and retractions). */
  writeCount: number;
  score: number;
}

/** The log event of a replica at one SeqNo: what names the write it holds there. */
export interface ContentEvent {
  seqNo: number;
  hlc: Hlc;
}

export interface ReplicaContent {
  readonly ackPolicy: AckPolicy;
  /** Every state the replica holds, scored at `atMs`. */
  entries(atMs: number): Iterable<ContentEntry>;
  /** The highest version of `origin` the replica holds for (tenant, entity, signal); 0 for none. */
  version(tenant: string, entity: string, signal: number, origin: string): number;
  /** The event its log holds at `seqNo`, if any. */
  eventAt(seqNo: number): ContentEvent | undefined;
}

/** A replica's content read from its engine, in this process (the simulator). */
export function engineContent(db: TidalDb): ReplicaContent {
  return {
    get ackPolicy() {
      return db.options.ackPolicy;
    },
    *entries(atMs) {
      for (const item of db.store.entries())
        yield {
          tenant: item.tenant,
          entity: item.entity,
          signal: item.signal,
          writeCount: item.state.writeCount,
          score: item.state.score(atMs, db.schema.halfLifeMs(item.signal)),
        };
    },
    version: (tenant, entity, signal, origin) => db.store.state(tenant, entity, signal)?.version(origin) ?? 0,
    eventAt: (seqNo) => db.wal.eventsFrom(seqNo, 1)[0],
  };
}

/**
 * A replica's content as its node reported it (`StateResponse`), read at `atMs`: signal names
 * become schema indexes (a signal the schema does not declare is an error naming the replica).
 */
export function reportedContent(state: StateResponse, schema: Schema, atMs: number): ReplicaContent {
  const who = `${state.region}/${state.shard}`;
  const signal = (name: string): number => {
    if (!schema.names.includes(name))
      throw new Error(
        `replica ${who} reports signal ${JSON.stringify(name)}, which the schema does not declare (${schema.names.join(', ')})`,
      );
    return schema.signalIndex(name);
  };
  const entries: ContentEntry[] = state.entries.map((e) => ({
    tenant: e.tenant,
    entity: e.entity,
    signal: signal(e.signal),
    writeCount: e.writeCount,
    score: e.score,
  }));
  const versions = new Map<string, Record<string, number>>();
  for (const e of state.entries) versions.set(key(e.tenant, e.entity, signal(e.signal)), e.versions);
  const log = new Map<number, LogEvent>();
  for (const e of state.log) log.set(e.seqNo, e);
  return {
    ackPolicy: state.ackPolicy,
    entries(at) {
      if (at !== atMs)
        throw new Error(
          `replica ${who} reported its scores at ${atMs} ms; they cannot be judged at ${at} ms (judge a reported run at the time its states were read)`,
        );
      return entries;
    },
    version: (tenant, entity, sig, origin) => versions.get(key(tenant, entity, sig))?.[origin] ?? 0,
    eventAt: (seqNo) => log.get(seqNo),
  };
}

function key(tenant: string, entity: string, signal: number): string {
  return `${tenant}\u0000${entity}\u0000${signal}`;
}
