/** Free TCP ports on a loopback address, asked of the kernel (bind to port 0, read, close). */
import * as net from 'node:net';

/** A port nobody listens on at `host` now (a race with another binder is possible, and rare). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error(`no free port on ${host}`))));
    });
  });
}

/** `count` distinct free ports on `host`. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const out = new Set<number>();
  for (let tries = 0; out.size < count && tries < count * 10; tries++) out.add(await freePort(host));
  if (out.size < count) throw new Error(`could not find ${count} free ports on ${host}`);
  return [...out];
}

/** Resolves once `host:port` accepts a TCP connection, or rejects after `timeoutMs`. */
export function connectable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
