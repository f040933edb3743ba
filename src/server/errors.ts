/**
 * Errors of the server process itself (the engine's own are in src/engine/errors.ts): a bad
 * command line or deployment file, and refusals on the replication port. Each says what was
 * wrong and what to do.
 */

/** The command line was wrong; `tidal-node` exits with status 2. */
export const USAGE = 'usage: tidal-node --region <region> --config <deployment.json> [--log <file>]';

export class ArgumentError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = 'ArgumentError';
  }
}

/** The deployment file could not be read or does not describe a deployment; exit status 2. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`deployment file ${file}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/** A connection to the replication port was refused (unknown peer, wrong cluster, bad handshake). */
export class UnknownPeerError extends Error {
  constructor(
    readonly remote: string,
    reason: string,
  ) {
    super(
      `replication connection from ${remote} refused: ${reason}; only this deployment's regions may connect`,
    );
    this.name = 'UnknownPeerError';
  }
}

/** A frame on the replication port was malformed; the connection was closed (the sender reconnects). */
export class BadFrameError extends Error {
  constructor(
    readonly peer: string,
    reason: string,
  ) {
    super(`bad replication frame from ${peer}: ${reason}; the connection was closed`);
    this.name = 'BadFrameError';
  }
}

/**
 * A typed error's own fields (those its constructor set: `key`, `maxDriftMs`, …) that survive
 * JSON, or undefined when it has none: what `ErrorBody.fields` and `Refusal.fields` carry.
 */
export function errorFields(err: Error): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) {
    if (k === 'name' || k === 'message' || k === 'stack' || k === 'cause') continue;
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint')
      continue;
    out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}
