/** Network helpers for tests: a free port on a given address, and JSON over HTTP with a bound. */
import * as http from 'node:http';
import * as net from 'node:net';

/** A port free on `host` right now (the OS picks it; a race with other processes is possible but rare). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/** One HTTP call with a JSON (or raw string) body; rejects after `timeoutMs`. */
export function httpJson<T = unknown>(
  host: string,
  port: number,
  method: string,
  path: string,
  body?: unknown,
  opts: {
    timeoutMs?: number;
    raw?: string | Buffer;
    localAddress?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpAnswer<T>> {
  return new Promise((resolve, reject) => {
    const payload = opts.raw ?? (body === undefined ? '' : JSON.stringify(body));
    const req = http.request({
      host,
      port,
      method,
      path,
      agent: false,
      localAddress: opts.localAddress,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        ...opts.headers,
      },
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`${method} ${path} took more than ${opts.timeoutMs ?? 5_000} ms`)),
      opts.timeoutMs ?? 5_000,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = undefined;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed as T, text });
      });
    });
    req.end(payload);
  });
}
