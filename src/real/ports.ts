/** Free TCP ports on a loopback address (the server's test helper `freePort`, several at once). */
import * as net from 'node:net';
import { freePort } from '../server/testing/net';

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
