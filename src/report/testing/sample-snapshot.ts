/**
 * A fixed, realistic ClusterSnapshot (two followers, a partition, a crash and a skew) for unit
 * tests, the demo scenario and trying the report layer without the simulator; and the pair a
 * scenario's hook takes (when the steps end, and after the final heal and convergence).
 */
import {
  describeFault,
  type ClusterSnapshot,
  type Fault,
  type FaultSpan,
  type LagSample,
  type WriteMark,
} from '../../cluster/report-data';

/** A fault span with the label the nemesis would give it. */
function span(fault: Fault, fromMs: number, toMs: number | null): FaultSpan {
  return { ...fault, label: describeFault(fault), fromMs, toMs };
}

/** A three-region run of 3 s virtual: eu-west partitioned 500–1500 ms, ap-south/1 crashed 2000 ms. */
export function sampleSnapshot(seed = 42): ClusterSnapshot {
  return {
    seed,
    nowMs: 3000,
    regionNames: ['us-east', 'eu-west', 'ap-south'],
    regions: [
      {
        region: 'us-east',
        shard: 0,
        role: 'leader',
        up: true,
        epoch: 1,
        appliedSeqNo: 120,
        lagEvents: 0,
        lagMs: 0,
      },
      {
        region: 'us-east',
        shard: 1,
        role: 'leader',
        up: true,
        epoch: 1,
        appliedSeqNo: 96,
        lagEvents: 0,
        lagMs: 0,
      },
      {
        region: 'eu-west',
        shard: 0,
        role: 'follower',
        up: true,
        epoch: 1,
        appliedSeqNo: 120,
        lagEvents: 0,
        lagMs: 0,
      },
      {
        region: 'eu-west',
        shard: 1,
        role: 'follower',
        up: true,
        epoch: 1,
        appliedSeqNo: 95,
        lagEvents: 1,
        lagMs: 12,
      },
      {
        region: 'ap-south',
        shard: 0,
        role: 'follower',
        up: true,
        epoch: 1,
        appliedSeqNo: 120,
        lagEvents: 0,
        lagMs: 0,
      },
      {
        region: 'ap-south',
        shard: 1,
        role: 'follower',
        up: false,
        epoch: 1,
        appliedSeqNo: 80,
        lagEvents: 16,
        lagMs: 1000,
      },
    ],
    scores: [
      {
        entity: 'article-42',
        signal: 'click',
        scores: { 'us-east': 3.8123, 'eu-west': 3.8123, 'ap-south': 3.8123 },
      },
      {
        entity: 'article-7',
        signal: 'view',
        scores: { 'us-east': 12.5, 'eu-west': 12.5, 'ap-south': undefined },
      },
    ],
    lag: [
      ...lagSeries('eu-west/0', [0, 0, 4, 9, 14, 20, 3, 0, 0, 0, 0]),
      ...lagSeries('ap-south/1', [0, 0, 0, 1, 0, 0, 0, 0, 5, 10, 16]),
    ],
    faults: [
      ...[
        span({ kind: 'partition', between: ['us-east', 'eu-west'] }, 500, 1500),
        span({ kind: 'clock-skew', region: 'eu-west', skewMs: 250, driftMsPerS: 0 }, 1000, 2500),
        span({ kind: 'crash', replica: 'ap-south/1', region: 'ap-south' }, 2000, null),
      ],
    ],
    writes: sampleWrites(),
    convergences: [],
  };
}

/**
 * The same run at the end of the scenario's check: every fault healed at 3000 ms (ap-south/1
 * restarted), and the cluster converged at 3300 ms, every follower at lag 0.
 */
export function sampleSnapshotAfterCheck(seed = 42): ClusterSnapshot {
  const steps = sampleSnapshot(seed);
  return {
    ...steps,
    nowMs: 3300,
    regions: steps.regions.map((r) => ({
      ...r,
      up: true,
      appliedSeqNo: r.shard === 0 ? 120 : 96,
      lagEvents: 0,
      lagMs: 0,
    })),
    lag: [
      ...steps.lag,
      { timeMs: 3300, replica: 'eu-west/0', region: 'eu-west', lagEvents: 0, stint: 0 },
      { timeMs: 3300, replica: 'ap-south/1', region: 'ap-south', lagEvents: 0, stint: 0 },
    ],
    faults: steps.faults.map((f) => (f.toMs === null ? { ...f, toMs: 3000 } : f)),
    convergences: [{ atMs: 3300, tookMs: 300 }],
  };
}

/** The pair a scenario's After hook hands to scenarioAttachments. */
export function sampleSnapshots(seed = 42): { atStepsEnd: ClusterSnapshot; atEnd: ClusterSnapshot } {
  return { atStepsEnd: sampleSnapshot(seed), atEnd: sampleSnapshotAfterCheck(seed) };
}

function lagSeries(replica: string, lagEvents: number[]): LagSample[] {
  const region = replica.slice(0, replica.indexOf('/'));
  return lagEvents.map((lag, i) => ({ timeMs: i * 300, replica, region, lagEvents: lag, stint: 0 }));
}

/** A write every 100 ms through us-east, and every 500 ms one through eu-west (acked there). */
function sampleWrites(): WriteMark[] {
  const writes: WriteMark[] = [];
  for (let atMs = 0; atMs < 3000; atMs += 100) {
    const via = atMs % 500 === 0 && (atMs < 500 || atMs >= 1500) ? 'eu-west' : 'us-east';
    writes.push({
      atMs,
      region: 'us-east',
      via,
      shard: (atMs / 100) % 2,
      committedAtMs: atMs,
      ackReachedClient: true,
      committed: true,
    });
  }
  return writes;
}
