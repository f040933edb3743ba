/**
 * The promise checker for a run it did not watch: a real deployment (issue 15). It judges from
 * two sources only, as Jepsen's checkers do: the history the harness recorded (what clients were
 * told) and the state each node reported when the run ended (`GET /v1/state`, read at one
 * instant `atMs`). The client-side checkers are the simulator's very code (`checkClientSide`)
 * over the replicas' reported content, so a promise means the same in both modes.
 *
 * What cannot be judged that way is said so, never passed: the rules the simulator checks while
 * it watches every stamp, batch and commit (hlc, epoch, log, quorum), the corruption count of
 * every link, and bad input (judged where a bad request is sent). Each comes back in
 * `unchecked` with why. Where part of a rule shows in the final logs it is still checked — a
 * replica whose log holds an acknowledged write at another SeqNo or with another payload breaks
 * the log rule, whatever else could not be seen — but the promise stays "not checked": a run
 * with none of those is not shown to have held it.
 *
 * Convergence is the caller's to judge (as `healAndCheck` does): it needs waiting, not reading.
 */
import type { AckPolicy, Schema } from '../../engine';
import type { Violation } from '../errors';
import type { FaultSpan } from '../report-data';
import { signalEventOf, type StateResponse } from '../../server/protocol';
import { reportedContent } from './content';
import { hlcKey, type DroppedRecord, type History, type WriteRecord } from './history';
import type { FailoverRecord } from './idempotency';
import { checkClientSide, inPromiseOrder, type PromiseCheck, type UncheckedPromise } from './promises';
import type { ReplicaView } from './writes';

/** One replica of a real run, as the harness last read it. */
export interface ReportedReplica {
  /** "region/shard", as the simulator names replicas. */
  name: string;
  region: string;
  shard: number;
  /** Whether its node was running when the states were read. */
  up: boolean;
  /** Its `GET /v1/state?shard=&atMs=` answer (undefined only for a replica that is down). */
  state: StateResponse | undefined;
}

/** A run judged from what the harness recorded and the nodes reported (plain data). */
export interface ReportedRun {
  regions: readonly string[];
  shardCount: number;
  schema: Schema;
  /** What clients were told: every acknowledged write and every session read. */
  history: Pick<History, 'writes' | 'reads'>;
  /** The deployment's ack policy (every node reports it too; they must agree). */
  ackPolicy: AckPolicy;
  partitionPolicy: 'leader-only' | 'accept-local';
  idempotencyRetentionMs: number;
  failovers: readonly FailoverRecord[];
  faults: readonly FaultSpan[];
  /** The time the states were read at (every reported score is the score at this instant). */
  atMs: number;
  /** The region of each shard's leader (the control plane's answer when the states were read). */
  leaderOf(shard: number): string;
  /** The shard that holds `tenant`'s `entity` (the published router). */
  shardFor(tenant: string, entity: string): number;
  replicas: readonly ReportedReplica[];
}

/** What a reported run cannot show, and why: every promise in `PROMISES` but these is judged. */
export const NOT_JUDGED_FROM_REPORTS: readonly UncheckedPromise[] = [
  {
    checker: 'hlc',
    reason:
      'needs every HLC stamp each node issued and received, with its clock at the time; a node reports only the stamps in its log',
  },
  {
    checker: 'epoch',
    reason:
      "needs each replica's term at every change and the term of every batch it applied; the harness reads one state per replica, after the run",
  },
  {
    checker: 'log',
    reason:
      'needs every batch each follower applied, as it applied it; a node reports only its log after the run (that log is still compared with the history)',
  },
  {
    checker: 'quorum',
    reason:
      "needs the replicas' logs at the instant a leader counted a write committed; a node reports only its log after the run",
  },
  {
    checker: 'corruption',
    reason:
      'needs, per link, the messages refused as corrupt and those a fault corrupted; a real run corrupts no message on purpose and a node reports no per-link refusals',
  },
];
// bad-input is judged in either mode by the step that sends a bad request (see
// BAD_INPUT_JUDGED_WHERE_SENT), never from a history: not one of these.

/** Judges a real run: every promise a history and the replicas' reported states can show. */
export function checkReportedRun(run: ReportedRun): PromiseCheck {
  const replicas: ReplicaView[] = run.replicas.map((r) => {
    if (r.up && !r.state)
      throw new Error(
        `replica ${r.name} is up but its state was not read: read every live replica's state before judging the run`,
      );
    if (r.state && (r.state.region !== r.region || r.state.shard !== r.shard))
      throw new Error(
        `the state read for replica ${r.name} is ${r.state.region}/${r.state.shard}'s: the harness mixed up its replicas`,
      );
    if (r.state && r.state.ackPolicy !== run.ackPolicy)
      throw new Error(
        `replica ${r.name} runs with '${r.state.ackPolicy}' acks, the deployment with '${run.ackPolicy}': a misconfigured node cannot be judged`,
      );
    return {
      name: r.name,
      region: r.region,
      shard: r.shard,
      up: r.up && r.state !== undefined,
      content: reportedContent(r.state ?? emptyState(r, run.ackPolicy), run.schema, run.atMs),
    };
  });
  const client = checkClientSide({
    history: run.history,
    dropped: droppedFromReports(run),
    replicas,
    leaderOf: (s) => replicas.find((v) => v.shard === s && v.region === run.leaderOf(s)),
    shardFor: run.shardFor,
    schema: run.schema,
    atMs: run.atMs,
    partitionPolicy: run.partitionPolicy,
    idempotencyRetentionMs: run.idempotencyRetentionMs,
    failovers: run.failovers,
    faults: run.faults,
  });
  const violations = inPromiseOrder([...client.violations, ...checkReportedLogs(run)]);
  return { violations, lost: client.lost, unchecked: [...NOT_JUDGED_FROM_REPORTS] };
}

/**
 * Every event the replicas reported dropping when they truncated a diverged suffix, as the
 * simulator records them from its engines' 'epoch' events (the write checker's `dropped`).
 */
export function droppedFromReports(run: Pick<ReportedRun, 'replicas' | 'schema'>): DroppedRecord[] {
  const out: DroppedRecord[] = [];
  for (const r of run.replicas)
    for (const d of r.state?.dropped ?? [])
      out.push({ replica: r.name, epoch: d.term, event: signalEventOf(run.schema, d.event), atMs: d.atMs });
  return out;
}

/**
 * The part of the log rule the final logs show: an event a live replica's log holds with the
 * stamp of an acknowledged write must be that write, at its SeqNo, with its payload. An event
 * no acknowledgement names is not judged: a client cut off mid-request never learnt of it.
 */
function checkReportedLogs(run: ReportedRun): Violation[] {
  const acked = new Map<string, WriteRecord>();
  for (const w of run.history.writes) if (!w.retry && !w.local) acked.set(`${w.shard}|${hlcKey(w.hlc)}`, w);
  const out: Violation[] = [];
  for (const r of run.replicas) {
    if (!r.up || !r.state) continue;
    for (const ev of r.state.log) {
      const w = acked.get(`${r.shard}|${hlcKey(ev.hlc)}`);
      if (!w) continue;
      const same =
        w.seqNo === ev.seqNo &&
        w.tenant === ev.tenant &&
        w.entity === ev.entity &&
        w.signal === ev.signal &&
        w.weight === ev.weight;
      if (!same)
        out.push({
          checker: 'log',
          message: `${r.name} holds at SeqNo ${ev.seqNo} (${hlcKey(ev.hlc)}) ${payload(ev)}, but the leader acknowledged that write as SeqNo ${w.seqNo}: ${payload(w)} (write #${w.id})`,
          evidence: { logged: ev, acknowledged: w },
        });
    }
  }
  return out;
}

function payload(x: { tenant: string; entity: string; signal: string; weight: number }): string {
  return `${x.tenant ? `${x.tenant}/` : ''}${x.entity} ${x.signal} ${x.weight}`;
}

/** A down replica holds nothing the checker may read (it is skipped as the simulator skips one). */
function emptyState(r: ReportedReplica, ackPolicy: AckPolicy): StateResponse {
  return {
    region: r.region,
    shard: r.shard,
    role: 'follower',
    term: 0,
    appliedSeqNo: 0,
    ackPolicy,
    entries: [],
    log: [],
    dropped: [],
  };
}
