/**
 * Forwarding a client call to another region's node (a write to its shard's leader, a session
 * read redirected, a commit asked of the write's leader). The outcome says whether anything can
 * have reached the other node: a connection that never opened sent nothing (safe to accept the
 * write locally under 'accept-local'); a request sent without an answer in time may have been
 * applied (the client retries with its idempotency key).
 */
import * as http from 'node:http';
import { FORWARDED_HEADER } from './http';
import type { RegionAddress } from './protocol';

export type Forwarded =
  | { kind: 'answered'; status: number; body: unknown }
  /** No connection: nothing was sent. */
  | { kind: 'unreachable'; reason: string }
  /** Sent, but no answer in time: it may have been applied. */
  | { kind: 'no-answer'; reason: string };

export interface ForwardTimings {
  /** Default: 500 ms. */
  connectTimeoutMs: number;
  /** After connecting. Default: 1000 ms. */
  answerTimeoutMs: number;
}

export const DEFAULT_FORWARD_TIMINGS: ForwardTimings = { connectTimeoutMs: 500, answerTimeoutMs: 1_000 };

/** Sends `body` to `to` from `localAddress` (this node's host, so firewall rules between hosts apply). */
export function forward(
  to: RegionAddress,
  localAddress: string,
  from: string,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  timings: ForwardTimings = DEFAULT_FORWARD_TIMINGS,
): Promise<Forwarded> {
  return new Promise((resolve) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    let connected = false;
    let settled = false;
    const finish = (f: Forwarded): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(f);
    };
    const req = http.request({
      host: to.host,
      port: to.httpPort,
      method,
      path,
      localAddress,
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        [FORWARDED_HEADER]: from,
      },
    });
    let timer = setTimeout(() => {
      finish({
        kind: 'unreachable',
        reason: `no connection to ${to.host}:${to.httpPort} within ${timings.connectTimeoutMs} ms`,
      });
      req.destroy();
    }, timings.connectTimeoutMs);
    req.on('socket', (socket) => {
      const onConnect = (): void => {
        connected = true;
        clearTimeout(timer);
        timer = setTimeout(() => {
          finish({
            kind: 'no-answer',
            reason: `no answer from ${to.host}:${to.httpPort} within ${timings.answerTimeoutMs} ms`,
          });
          req.destroy();
        }, timings.answerTimeoutMs);
      };
      if (socket.connecting) socket.once('connect', onConnect);
      else onConnect();
    });
    req.on('error', (err) =>
      finish(
        connected
          ? { kind: 'no-answer', reason: `${to.host}:${to.httpPort} failed mid-request (${err.message})` }
          : { kind: 'unreachable', reason: `cannot connect to ${to.host}:${to.httpPort} (${err.message})` },
      ),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => finish({ kind: 'no-answer', reason: `answer cut off (${err.message})` }));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = {
            error: { name: 'TidalError', message: `non-JSON answer from ${to.host}: ${raw.slice(0, 200)}` },
          };
        }
        finish({ kind: 'answered', status: res.statusCode ?? 500, body: parsed });
      });
    });
    req.end(text);
  });
}
