import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from './args';
import { checkConfig } from './config';
import { parseRecord } from './control';
import { ArgumentError, ConfigError } from './errors';
import type { DeploymentConfig } from './protocol';

const good: DeploymentConfig = {
  clusterId: 'c1',
  regions: {
    'us-east': { host: '127.0.0.2', httpPort: 8001, replicationPort: 9001 },
    'eu-west': { host: '127.0.0.3', httpPort: 8002, replicationPort: 9002 },
  },
  shardCount: 2,
  leaders: ['us-east', 'eu-west'],
  schema: { signals: { click: { halfLifeMs: 1_000 } } },
  ackPolicy: 'leader',
  partitionPolicy: 'leader-only',
  idempotencyRetentionMs: 600_000,
  reconcileEveryMs: 0,
  maxDriftMs: 1_000,
  tenants: {},
  etcd: ['http://127.0.0.1:2379'],
  dataDir: '/tmp/x',
};

test('args: --region and --config are required, nothing unknown is taken', () => {
  assert.deepEqual(parseArgs(['--region', 'us-east', '--config', 'd.json']), {
    region: 'us-east',
    config: 'd.json',
    log: undefined,
  });
  assert.deepEqual(parseArgs(['--region=eu-west', '--config=d.json', '--log', 'n.log']).log, 'n.log');
  assert.throws(() => parseArgs(['--config', 'd.json']), ArgumentError);
  assert.throws(() => parseArgs(['--region', 'us-east']), /--config is required/);
  assert.throws(() => parseArgs(['--region']), /--region needs a value/);
  assert.throws(() => parseArgs(['--region', 'a', '--region', 'b', '--config', 'c']), /given twice/);
  assert.throws(() => parseArgs(['us-east']), /unknown argument "us-east"/);
});

test('config: a good deployment passes; each bad field is named', () => {
  assert.equal(checkConfig(good).shardCount, 2);
  const tuned = checkConfig({
    ...good,
    wal: { segmentBytes: 4096 },
    shipper: { maxBatchEvents: 8, windowBatches: 2, rtoMs: 50, maxRtoMs: 200 },
  });
  assert.deepEqual(tuned.wal, { segmentBytes: 4096 });
  assert.deepEqual(tuned.shipper, { maxBatchEvents: 8, windowBatches: 2, rtoMs: 50, maxRtoMs: 200 });
  assert.equal('wal' in checkConfig(good), false, 'no wal field: the engine defaults');
  const bad: [Partial<Record<keyof DeploymentConfig, unknown>>, RegExp][] = [
    [{ clusterId: '' }, /clusterId/],
    [{ regions: {} }, /regions/],
    [{ regions: { 'US East': good.regions['us-east'] } }, /regions.US East/],
    [
      { regions: { 'us-east': { host: 'localhost', httpPort: 1, replicationPort: 2 } } },
      /host: an IP address/,
    ],
    [{ regions: { 'us-east': { host: '127.0.0.2', httpPort: 0, replicationPort: 2 } } }, /httpPort/],
    [{ shardCount: 0 }, /shardCount/],
    [{ leaders: ['us-east'] }, /leaders: an array of 2/],
    [{ leaders: ['us-east', 'mars'] }, /leaders\[1\]/],
    [{ schema: { signals: {} } }, /schema/],
    [{ ackPolicy: 'all' }, /ackPolicy/],
    [{ partitionPolicy: 'any' }, /partitionPolicy/],
    [{ maxDriftMs: -1 }, /maxDriftMs/],
    [{ etcd: [] }, /etcd/],
    [{ dataDir: 3 }, /dataDir/],
    [{ wal: 4096 }, /wal: an object of \{ segmentBytes \}/],
    [{ wal: { segmentBytes: 10 } }, /wal.segmentBytes: an integer ≥ 64/],
    [{ wal: { segmentSize: 4096 } }, /wal.segmentSize: not an option of wal/],
    [{ shipper: { rtoMs: 0 } }, /shipper.rtoMs: an integer ≥ 1/],
    [{ shipper: { windowBatches: 1.5 } }, /shipper.windowBatches/],
    [{ shipper: { rtoMs: 200, maxRtoMs: 100 } }, /shipper.maxRtoMs: at least shipper.rtoMs/],
  ];
  for (const [patch, why] of bad)
    assert.throws(
      () => checkConfig({ ...good, ...patch }),
      (err: Error) => err instanceof ConfigError && why.test(err.message),
      JSON.stringify(patch),
    );
});

test('control: shard records from etcd are checked against the deployment', () => {
  const r = {
    shard: 1,
    leader: 'eu-west',
    term: 2,
    termStarts: [
      [1, 1],
      [2, 5],
    ],
    termLeaders: [
      [1, 'us-east'],
      [2, 'eu-west'],
    ],
  };
  assert.deepEqual(parseRecord(JSON.stringify(r), good), r);
  assert.match(parseRecord('{', good) as string, /not JSON/);
  assert.match(parseRecord(JSON.stringify({ ...r, shard: 2 }), good) as string, /not a shard/);
  assert.match(parseRecord(JSON.stringify({ ...r, leader: 'mars' }), good) as string, /not a region/);
  assert.match(parseRecord(JSON.stringify({ ...r, term: 0 }), good) as string, /term/);
  assert.match(parseRecord(JSON.stringify({ ...r, termStarts: [[2, 0]] }), good) as string, /termStarts/);
  assert.match(
    parseRecord(JSON.stringify({ ...r, termLeaders: [[2, 'mars']] }), good) as string,
    /termLeaders/,
  );
});
