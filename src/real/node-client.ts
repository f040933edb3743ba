/**
 * NodeClient: the suite's side of one node's HTTP/JSON API (src/server/protocol.ts), with a
 * bound on every call. A refusal's `error.name` is mapped back to the engine's error class, so
 * a step that expects "refused with StaleReadError" reads the same against a process as against
 * the simulator; a node that does not answer is `UnavailableError` for that region.
 */
import * as engineErrors from '../engine/errors';
import { UnavailableError } from '../engine';
import { ConvergenceTimeoutError, FailoverRefusedError } from '../cluster';
import type {
  CommitRequest,
  CommitResponse,
  ErrorBody,
  ReadResponse,
  SessionReadRequest,
  SessionReadResponse,
  StateResponse,
  StatusResponse,
  WriteRequest,
  WriteResponse,
} from '../server/protocol';
import { ProtocolError } from './errors';

/** Default bound of one call. */
export const CALL_TIMEOUT_MS = 5_000;

/**
 * Every error class a node may name, by name: each the engine throws to a caller, and the
 * cluster's refusals of a failover or a convergence. A Map, so a name such as "constructor"
 * finds nothing.
 */
const ERROR_CLASSES = new Map<string, new (...args: never[]) => Error>(
  [...Object.values(engineErrors), FailoverRefusedError, ConvergenceTimeoutError].map((cls) => [
    cls.name,
    cls,
  ]),
);

/**
 * The engine's error a node named, with the node's message (and any extra fields it sent);
 * an unknown name is a `ProtocolError` that keeps the name and message.
 */
export function errorFromBody(body: ErrorBody, status: number, region: string): Error {
  const e = body.error;
  const cls = ERROR_CLASSES.get(e.name);
  if (!cls)
    return new ProtocolError(`${region} answered ${status} with an unknown error ${e.name}: ${e.message}`);
  const err = Object.create(cls.prototype as object) as Error & Record<string, unknown>;
  Object.defineProperty(err, 'message', { value: e.message, writable: true, configurable: true });
  Object.defineProperty(err, 'name', { value: e.name, writable: true, configurable: true });
  // The error's own fields: under `fields` (protocol.ts ErrorBody), or beside name and message.
  const { fields, ...rest } = e as ErrorBody['error'] & Record<string, unknown>;
  for (const [k, v] of Object.entries({ ...rest, ...(isPlainObject(fields) ? fields : {}) }))
    if (k !== 'name' && k !== 'message') err[k] = v;
  Error.captureStackTrace(err, errorFromBody);
  return err;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isErrorBody(x: unknown): x is ErrorBody {
  const e = (x as ErrorBody | undefined)?.error;
  return typeof e === 'object' && e !== null && typeof e.name === 'string' && typeof e.message === 'string';
}

export class NodeClient {
  constructor(
    readonly region: string,
    readonly baseUrl: string,
  ) {}

  status(timeoutMs = 1_000): Promise<StatusResponse> {
    return this.call('GET', '/v1/status', undefined, timeoutMs);
  }

  write(req: WriteRequest, shard: number): Promise<WriteResponse> {
    return this.call('POST', '/v1/write', req, CALL_TIMEOUT_MS, shard);
  }

  commit(req: CommitRequest): Promise<CommitResponse> {
    return this.call('POST', '/v1/commit', req, req.timeoutMs + CALL_TIMEOUT_MS, req.shard);
  }

  read(
    q: { entity: string; signal: string; tenant?: string; atMs?: number },
    shard: number,
  ): Promise<ReadResponse> {
    const p = new URLSearchParams({ entity: q.entity, signal: q.signal });
    if (q.tenant !== undefined) p.set('tenant', q.tenant);
    if (q.atMs !== undefined) p.set('atMs', String(q.atMs));
    return this.call('GET', `/v1/read?${p}`, undefined, CALL_TIMEOUT_MS, shard);
  }

  sessionRead(req: SessionReadRequest, shard: number): Promise<SessionReadResponse> {
    return this.call('POST', '/v1/session/read', req, req.timeoutMs + CALL_TIMEOUT_MS, shard);
  }

  state(shard: number, atMs: number): Promise<StateResponse> {
    return this.call('GET', `/v1/state?shard=${shard}&atMs=${atMs}`, undefined, 10_000, shard);
  }

  /** One call; a refusal throws the engine's error, silence throws `UnavailableError`. */
  async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    timeoutMs: number,
    shard = 0,
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new UnavailableError(this.region, shard, `its node does not answer ${method} ${path} (${cause})`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new UnavailableError(
        this.region,
        shard,
        `its node's answer to ${path} broke off (${(err as Error).name})`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProtocolError(
        `${this.region} answered ${method} ${path} with ${res.status} and no JSON: ${text.slice(0, 200)}`,
      );
    }
    if (res.ok) return json as T;
    if (isErrorBody(json)) throw errorFromBody(json, res.status, this.region);
    throw new ProtocolError(`${this.region} answered ${method} ${path} with ${res.status} and no error body`);
  }
}
