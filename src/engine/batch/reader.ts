/**
 * EventReader: walks the events of a batch in place, field by field, without making an object
 * or a string per event. A follower applies a replicated batch through it straight from the
 * bytes it received; strings (entity, tenant, idempotency key) are decoded only when needed.
 * The layout is the payload's (codec.ts, docs/wire-format.md); `check` holds each event to the
 * same rules as `BatchCodec.decode` plus the id limits of DESIGN §2, and answers false for
 * anything it does not pass, so that the caller can decode field by field for a precise error.
 */
import type { Hlc } from '../hlc';
import { decodeUtf8 } from './bytes';
import { FLAG_LOCAL, type BatchHeader } from './header';

const KIND_SIGNAL = 1;
/** Bytes of an event between its entity id and its idempotency key's length. */
const EVENT_FIXED_BYTES = 40;
/** DESIGN §2: ids and keys are at most 256 UTF-8 bytes. */
const MAX_KEY_BYTES = 256;

export class EventReader {
  bytes: Uint8Array = new Uint8Array(0);
  // The current event (after `next()`): numbers, and where its strings lie in `bytes`.
  seqNo = 0;
  signal = 0;
  weight = 0;
  timeMs = 0;
  wallMs = 0;
  logical = 0;
  nodeIndex = 0;
  originIndex = 0;
  originEpoch = 0;
  originVersion = 0;
  tenantAt = 0;
  entityAt = 0;
  entityEnd = 0;
  keyAt = 0;
  keyEnd = 0;
  /**
   * Whether the tenant, entity and key bytes are all ASCII (every id this suite writes): looked
   * at while checking; a checked batch is all ASCII, so applying it does not look again.
   */
  ascii = true;
  private checking = false;
  private pos = 0;
  private end = 0;
  private left = 0;
  private firstSeqNo = 0;
  private local = false;
  private view: DataView | undefined;
  private readonly f64 = new Float64Array(1);
  private readonly f64Bytes = new Uint8Array(this.f64.buffer);

  constructor(
    readonly regions: readonly string[],
    readonly signalCount: number,
  ) {}

  /** Starts at the first event of the batch `header` describes, at `bytes[at..]`. */
  reset(bytes: Uint8Array, header: BatchHeader, at = 0): this {
    this.bytes = bytes;
    this.pos = at + header.byteLength - header.payloadLength;
    this.end = at + header.byteLength;
    this.left = header.eventCount;
    this.firstSeqNo = header.firstSeqNo;
    this.local = (header.flags & FLAG_LOCAL) !== 0;
    this.seqNo = this.local ? 0 : this.firstSeqNo - 1;
    // A DataView pays for itself over a few events; a short batch reads its doubles by hand.
    this.view =
      header.eventCount >= 8 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
    return this;
  }

  /**
   * Reads the next event; false after the last one, or when the next one is not well formed
   * (then `wellFormed()` says so). Reads fields only: it checks what `check` needs.
   */
  next(): boolean {
    if (this.left === 0) return false;
    const b = this.bytes;
    const end = this.end;
    const p = this.pos;
    if (p + 4 > end || b[p] !== KIND_SIGNAL) return false;
    this.signal = b[p + 1]!;
    const tenantBytes = b[p + 2]! | (b[p + 3]! << 8);
    let q = p + 4;
    this.tenantAt = q;
    if (q + tenantBytes + 2 > end) return false;
    q += tenantBytes;
    const entityBytes = b[q]! | (b[q + 1]! << 8);
    q += 2;
    this.entityAt = q;
    if (q + entityBytes + EVENT_FIXED_BYTES + 2 > end) return false;
    q += entityBytes;
    this.entityEnd = q;
    this.weight = this.f64At(q);
    this.timeMs = this.f64At(q + 8);
    this.wallMs = this.f64At(q + 16);
    this.logical = u32At(b, q + 24);
    this.nodeIndex = b[q + 28]! | (b[q + 29]! << 8);
    this.originIndex = b[q + 30]! | (b[q + 31]! << 8);
    this.originEpoch = u32At(b, q + 32);
    this.originVersion = u32At(b, q + 36);
    const keyBytes = b[q + 40]! | (b[q + 41]! << 8);
    q += EVENT_FIXED_BYTES + 2;
    if (q + keyBytes > end) return false;
    this.keyAt = q;
    this.keyEnd = q + keyBytes;
    if (this.checking) {
      let high = 0;
      for (let i = p + 4; i < this.entityEnd; i++) high |= b[i]!;
      for (let i = q; i < this.keyEnd; i++) high |= b[i]!;
      this.ascii = high < 0x80;
    }
    this.pos = this.keyEnd;
    this.left--;
    if (!this.local) this.seqNo++;
    return true;
  }

  /**
   * Whether every event is well formed, ASCII, and within the id limits (which a follower holds
   * a batch to before applying any of it). False means: decode it field by field to say why.
   */
  check(): boolean {
    this.checking = true;
    try {
      return this.checkAll();
    } finally {
      this.checking = false;
      this.ascii = true;
    }
  }

  private checkAll(): boolean {
    const regions = this.regions.length;
    while (this.left > 0) {
      if (!this.next()) return false;
      const entityBytes = this.entityEnd - this.entityAt;
      if (
        !this.ascii ||
        this.signal >= this.signalCount ||
        entityBytes === 0 ||
        entityBytes > MAX_KEY_BYTES ||
        this.entityAt - 2 - this.tenantAt > MAX_KEY_BYTES ||
        this.keyEnd - this.keyAt > MAX_KEY_BYTES ||
        !Number.isFinite(this.weight) ||
        !Number.isFinite(this.timeMs) ||
        this.nodeIndex >= regions ||
        this.originIndex >= regions
      )
        return false;
    }
    return this.pos === this.end;
  }

  tenant(): string {
    return decodeUtf8(this.bytes, this.tenantAt, this.entityAt - 2, 'tenant');
  }

  entity(): string {
    return decodeUtf8(this.bytes, this.entityAt, this.entityEnd, 'entity');
  }

  idempotencyKey(): string {
    return decodeUtf8(this.bytes, this.keyAt, this.keyEnd, 'idempotency key');
  }

  node(): string {
    return this.regions[this.nodeIndex]!;
  }

  /** The current event as `BatchCodec.decode` gives it, with origin key `origin`. */
  event(origin: string) {
    return {
      seqNo: this.seqNo,
      signal: this.signal,
      tenant: this.tenant(),
      entity: this.entity(),
      weight: this.weight,
      timeMs: this.timeMs,
      hlc: this.hlc(),
      origin,
      originVersion: this.originVersion,
      idempotencyKey: this.idempotencyKey(),
    };
  }

  /** The current event's HLC stamp, as a new object. */
  hlc(): Hlc {
    return { wallMs: this.wallMs, logical: this.logical, node: this.node() };
  }

  private f64At(p: number): number {
    if (this.view !== undefined) return this.view.getFloat64(p, true);
    const b = this.bytes;
    const out = this.f64Bytes;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) out[i] = b[p + i]!;
    else for (let i = 0; i < 8; i++) out[7 - i] = b[p + i]!;
    return this.f64[0]!;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function u32At(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}
