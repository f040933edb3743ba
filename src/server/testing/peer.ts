/** A hand-driven connection to a node's replication port, for bad-input tests: raw bytes, frames, a hello. */
import * as net from 'node:net';
import { encodeControl, encodeFrame, hello } from '../wire';

export class RawPeer {
  readonly socket: net.Socket;
  /** Resolves when the node closes the connection (or it fails). */
  readonly closed: Promise<void>;
  private connected: Promise<void>;

  constructor(host: string, port: number, localAddress: string) {
    this.socket = net.connect({ host, port, localAddress });
    this.socket.on('data', () => undefined); // the node's hello and heartbeats: not needed here
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.once('close', () => resolve());
    });
    this.socket.on('error', () => undefined);
  }

  async hello(cluster: string, region: string): Promise<void> {
    await this.send(encodeControl(hello(cluster, region)));
  }

  async frame(shard: number, bytes: Uint8Array): Promise<void> {
    await this.send(encodeFrame(shard, bytes));
  }

  async send(bytes: Uint8Array): Promise<void> {
    await this.connected;
    this.socket.write(bytes);
  }

  /** True when the node closed the connection within `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((res) => (timer = setTimeout(() => res(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return r;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
