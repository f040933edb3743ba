/**
 * Identifiers of the replication domain and their validation (DESIGN §2). Every value that
 * crosses the public API is checked here once, so the rest of the engine can trust it.
 */
import { InvalidInputError } from './errors';

export type RegionId = string;
export type ShardId = number;
export type EntityId = string;
export type TenantId = string;
export type SeqNo = number;
export type Epoch = number;

const REGION_RE = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_KEY_BYTES = 256;
const utf8 = new TextEncoder();

export function checkRegionId(value: unknown, field = 'region'): RegionId {
  if (typeof value !== 'string' || !REGION_RE.test(value)) {
    throw new InvalidInputError(
      field,
      value,
      'a region id is 1-32 characters of a-z, 0-9 and "-", starting with a letter (e.g. "us-east")',
    );
  }
  return value;
}

export function checkShardId(value: unknown, field = 'shard'): ShardId {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new InvalidInputError(field, value, 'a shard id is an integer from 0 to 65535');
  }
  return value;
}

/** Entity and tenant ids: non-empty, at most 256 UTF-8 bytes. */
export function checkKey(value: unknown, field: 'entity' | 'tenant' | 'idempotency key'): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidInputError(field, value, `an ${field} id is a non-empty string`);
  }
  // Fast path: a UTF-16 string of n code units encodes to at most 3n bytes.
  if (value.length * 3 > MAX_KEY_BYTES && utf8.encode(value).length > MAX_KEY_BYTES) {
    throw new InvalidInputError(
      field,
      value,
      `it is ${utf8.encode(value).length} UTF-8 bytes; the limit is ${MAX_KEY_BYTES}`,
    );
  }
  return value;
}

export function checkWeight(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidInputError(
      'weight',
      value,
      'a weight is a finite number (negative retracts); NaN and Infinity are refused',
    );
  }
  return value;
}

export function checkTimeMs(value: unknown, field = 'timestamp'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
    throw new InvalidInputError(field, value, 'a time is a finite, non-negative number of milliseconds');
  }
  return value;
}
