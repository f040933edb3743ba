/**
 * Clock skew for a real process: every node runs under libfaketime from its start, reading its
 * offset from a file of its own on every clock call (FAKETIME_NO_CACHE), so rewriting the file
 * moves the node's wall clock at once without a restart. The monotonic clock stays true
 * (FAKETIME_DONT_FAKE_MONOTONIC), so timers and timeouts inside the node are unaffected.
 * Drift (a clock gaining ms every second) has no libfaketime equivalent that can be changed
 * while the process runs, so it is refused.
 */
import * as fs from 'node:fs';
import { PrerequisiteError } from './errors';
import { libfaketimePath } from './prerequisites';

/** libfaketime's offset syntax: "+0", "+0.5s", "-3s" (seconds, fractions allowed). */
export function faketimeOffset(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`clock skew must be finite, got ${ms} ms`);
  if (ms === 0) return '+0';
  const s = Math.abs(ms) / 1000;
  return `${ms < 0 ? '-' : '+'}${Number(s.toFixed(3))}s`;
}

export class ClockFile {
  skewMs = 0;

  constructor(readonly path: string) {
    fs.writeFileSync(path, '+0\n');
  }

  /** Sets the offset every clock call of the node reads from now on. */
  set(ms: number): void {
    // Written whole then renamed, so a node never reads a half-written offset.
    const tmp = `${this.path}.tmp`;
    fs.writeFileSync(tmp, `${faketimeOffset(ms)}\n`);
    fs.renameSync(tmp, this.path);
    this.skewMs = ms;
  }

  /** The environment that runs a process under libfaketime with this file's offset. */
  env(): Record<string, string> {
    const lib = libfaketimePath();
    if (!lib) throw new PrerequisiteError('libfaketime', 'apt-get install -y faketime');
    return {
      LD_PRELOAD: lib,
      FAKETIME_TIMESTAMP_FILE: this.path,
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }
}
