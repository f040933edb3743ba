/**
 * A fixed, realistic ClusterSnapshot (two followers, a partition, a crash and a skew) for unit
 * tests, the demo scenario and trying the report layer without the simulator.
 */
import {
  describeFault,
  type ClusterSnapshot,
  type Fault,
  type FaultSpan,
  type LagSample,
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
        span({ kind: 'crash', replica: 'ap-south/1' }, 2000, null),
      ],
    ],
  };
}

function lagSeries(replica: string, lagEvents: number[]): LagSample[] {
  return lagEvents.map((lag, i) => ({ timeMs: i * 300, replica, lagEvents: lag }));
}
