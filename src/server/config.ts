/**
 * The deployment file (`DeploymentConfig` in protocol.ts), read and checked before anything
 * starts: a field of the wrong type or out of range is a `ConfigError` that names it, so a node
 * never runs on half a deployment.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { checkRegionId, Schema, type SchemaSpec, type ShipperOptions, type WalOptions } from '../engine';
import { ConfigError } from './errors';
import type { DeploymentConfig, RegionAddress } from './protocol';

/** Shard ids 0..65534: 65535 is the wire's control channel (see wire.ts). */
export const MAX_SHARDS = 65_535;

type Json = Record<string, unknown>;

/** Reads `file` and checks it; `region` must be one of its regions. */
export function loadConfig(file: string, region: string): DeploymentConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, `cannot be read (${(err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, `is not JSON (${(err as Error).message})`);
  }
  const config = checkConfig(raw, file);
  if (!(region in config.regions))
    throw new ConfigError(
      file,
      `--region ${JSON.stringify(region)} is not one of its regions (${Object.keys(config.regions).join(', ')})`,
    );
  return config;
}

/** Checks a parsed deployment file field by field. */
export function checkConfig(raw: unknown, file = 'deployment'): DeploymentConfig {
  const bad = (field: string, why: string): never => {
    throw new ConfigError(file, `${field}: ${why}`);
  };
  if (!isObject(raw)) return bad('(top level)', 'must be a JSON object');
  const clusterId = raw.clusterId;
  if (typeof clusterId !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(clusterId))
    bad('clusterId', 'a string of 1-64 letters, digits, _ . or -');
  if (!isObject(raw.regions) || Object.keys(raw.regions).length === 0)
    bad('regions', 'an object of region → { host, httpPort, replicationPort }');
  const regions: Record<string, RegionAddress> = {};
  for (const [name, addr] of Object.entries(raw.regions as Json)) {
    try {
      checkRegionId(name);
    } catch (err) {
      bad(`regions.${name}`, (err as Error).message);
    }
    if (!isObject(addr)) return bad(`regions.${name}`, 'must be { host, httpPort, replicationPort }');
    if (typeof addr.host !== 'string' || net.isIP(addr.host) === 0)
      bad(`regions.${name}.host`, 'an IP address (127.0.0.2, …)');
    for (const port of ['httpPort', 'replicationPort'] as const) {
      const p = addr[port];
      if (!Number.isInteger(p) || (p as number) < 1 || (p as number) > 65_535)
        bad(`regions.${name}.${port}`, 'an integer port 1..65535');
    }
    regions[name] = {
      host: addr.host as string,
      httpPort: addr.httpPort as number,
      replicationPort: addr.replicationPort as number,
    };
  }
  const shardCount = raw.shardCount;
  if (!Number.isInteger(shardCount) || (shardCount as number) < 1 || (shardCount as number) > MAX_SHARDS)
    bad('shardCount', `an integer 1..${MAX_SHARDS}`);
  const leaders = raw.leaders;
  if (!Array.isArray(leaders) || leaders.length !== shardCount)
    bad('leaders', `an array of ${String(shardCount)} region names (the first leader of each shard)`);
  (leaders as unknown[]).forEach((l, i) => {
    if (typeof l !== 'string' || !(l in regions))
      bad(`leaders[${i}]`, `one of ${Object.keys(regions).join(', ')}`);
  });
  if (!isObject(raw.schema)) bad('schema', 'an object { signals: { name: { halfLifeMs } } }');
  try {
    new Schema(raw.schema as unknown as SchemaSpec);
  } catch (err) {
    bad('schema', (err as Error).message);
  }
  if (raw.ackPolicy !== 'leader' && raw.ackPolicy !== 'quorum') bad('ackPolicy', "'leader' or 'quorum'");
  if (raw.partitionPolicy !== 'leader-only' && raw.partitionPolicy !== 'accept-local')
    bad('partitionPolicy', "'leader-only' or 'accept-local'");
  for (const f of ['idempotencyRetentionMs', 'reconcileEveryMs', 'maxDriftMs'] as const) {
    const v = raw[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(f, 'a finite number of ms ≥ 0');
  }
  if (!isObject(raw.tenants)) bad('tenants', 'an object of tenant → { homeRegion, shards? } ({} for none)');
  const etcd = raw.etcd;
  if (
    !Array.isArray(etcd) ||
    etcd.length === 0 ||
    !etcd.every((e) => typeof e === 'string' && /^https?:\/\//.test(e))
  )
    bad('etcd', 'a non-empty array of URLs (http://127.0.0.1:2379)');
  if (typeof raw.dataDir !== 'string' || raw.dataDir === '') bad('dataDir', 'a directory path');
  const wal = optionsOf(raw, 'wal', { segmentBytes: MIN_SEGMENT_BYTES }, bad);
  const shipper = optionsOf(
    raw,
    'shipper',
    { maxBatchEvents: 1, windowBatches: 1, rtoMs: 1, maxRtoMs: 1 },
    bad,
  ) as ShipperOptions | undefined;
  if (shipper?.rtoMs !== undefined && shipper.maxRtoMs !== undefined && shipper.maxRtoMs < shipper.rtoMs)
    bad('shipper.maxRtoMs', `at least shipper.rtoMs (${shipper.rtoMs})`);
  const { wal: _w, shipper: _s, ...rest } = raw as unknown as DeploymentConfig;
  return {
    ...rest,
    regions,
    ...(wal ? { wal: wal as WalOptions } : {}),
    ...(shipper ? { shipper } : {}),
  };
}

/** Smallest WAL segment a deployment may ask for (one batch header and more). */
export const MIN_SEGMENT_BYTES = 64;

/**
 * An optional object of integer options, each at least its minimum; an unknown key is refused
 * (a misspelt option would otherwise be ignored silently).
 */
function optionsOf(
  raw: Json,
  field: string,
  minimums: Record<string, number>,
  bad: (field: string, why: string) => never,
): Record<string, number> | undefined {
  const v = raw[field];
  if (v === undefined) return undefined;
  const known = Object.keys(minimums).join(', ');
  if (!isObject(v)) return bad(field, `an object of { ${known} }`);
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    const min = minimums[k];
    if (min === undefined) bad(`${field}.${k}`, `not an option of ${field} (${known})`);
    if (!Number.isInteger(x) || (x as number) < min!) bad(`${field}.${k}`, `an integer ≥ ${min}`);
    out[k] = x as number;
  }
  return out;
}

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
