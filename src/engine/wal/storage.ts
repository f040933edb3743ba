/**
 * Where WAL segments live. `MemoryStorage` is the simulated disk of ephemeral mode (it outlives
 * a node's crash, like a disk); `FileStorage` writes real files with an fsync per append.
 * A crash in the middle of an append leaves part of it at the end of the last segment (a torn
 * write; the simulator makes one by appending a prefix); recovery finds it and truncates it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WalStorage {
  /** Segment file names in `dir`, sorted. */
  list(dir: string): string[];
  read(dir: string, name: string): Uint8Array;
  /** Appends and makes the bytes durable (fsync for files). */
  append(dir: string, name: string, bytes: Uint8Array): void;
  size(dir: string, name: string): number;
  truncate(dir: string, name: string, length: number): void;
  remove(dir: string, name: string): void;
}

/** Segments held in memory: survives the node object, not the process. */
export class MemoryStorage implements WalStorage {
  private readonly files = new Map<string, { chunks: Uint8Array[]; size: number }>();
  /** `${dir}/${name}` made once per file: every append looks its file up by this key. */
  private readonly keys = new Map<string, Map<string, string>>();

  private key(dir: string, name: string): string {
    let names = this.keys.get(dir);
    if (names === undefined) this.keys.set(dir, (names = new Map()));
    let key = names.get(name);
    if (key === undefined) names.set(name, (key = `${dir}/${name}`));
    return key;
  }

  list(dir: string): string[] {
    const prefix = `${dir}/`;
    const names: string[] = [];
    for (const key of this.files.keys())
      if (key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
        names.push(key.slice(prefix.length));
    return names.sort();
  }

  read(dir: string, name: string): Uint8Array {
    const f = this.files.get(`${dir}/${name}`);
    if (!f) return new Uint8Array(0);
    if (f.chunks.length > 1) f.chunks = [concat(f.chunks, f.size)];
    return f.chunks[0] ?? new Uint8Array(0);
  }

  append(dir: string, name: string, bytes: Uint8Array): void {
    const key = this.key(dir, name);
    let f = this.files.get(key);
    if (!f) this.files.set(key, (f = { chunks: [], size: 0 }));
    f.chunks.push(bytes);
    f.size += bytes.length;
  }

  size(dir: string, name: string): number {
    return this.files.get(this.key(dir, name))?.size ?? 0;
  }

  truncate(dir: string, name: string, length: number): void {
    const all = this.read(dir, name);
    const f = this.files.get(`${dir}/${name}`);
    if (f) {
      f.chunks = [all.slice(0, length)];
      f.size = Math.min(length, all.length);
    }
  }

  remove(dir: string, name: string): void {
    this.files.delete(`${dir}/${name}`);
  }

  /** Total bytes stored (for reports and benchmarks). */
  totalBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.size;
    return n;
  }
}

/** Segments as files under a root directory, fsynced on every append. */
export class FileStorage implements WalStorage {
  private readonly fds = new Map<string, number>();

  constructor(readonly root: string) {}

  private dirPath(dir: string): string {
    return path.join(this.root, dir);
  }

  list(dir: string): string[] {
    const p = this.dirPath(dir);
    if (!fs.existsSync(p)) return [];
    return fs
      .readdirSync(p)
      .filter((n) => n.endsWith('.wal'))
      .sort();
  }

  read(dir: string, name: string): Uint8Array {
    const p = path.join(this.dirPath(dir), name);
    return fs.existsSync(p) ? new Uint8Array(fs.readFileSync(p)) : new Uint8Array(0);
  }

  append(dir: string, name: string, bytes: Uint8Array): void {
    const p = path.join(this.dirPath(dir), name);
    let fd = this.fds.get(p);
    if (fd === undefined) {
      fs.mkdirSync(this.dirPath(dir), { recursive: true });
      fd = fs.openSync(p, 'a');
      this.fds.set(p, fd);
    }
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  }

  size(dir: string, name: string): number {
    const p = path.join(this.dirPath(dir), name);
    return fs.existsSync(p) ? fs.statSync(p).size : 0;
  }

  truncate(dir: string, name: string, length: number): void {
    const p = path.join(this.dirPath(dir), name);
    this.closeOne(p);
    if (fs.existsSync(p)) fs.truncateSync(p, length);
  }

  remove(dir: string, name: string): void {
    const p = path.join(this.dirPath(dir), name);
    this.closeOne(p);
    fs.rmSync(p, { force: true });
  }

  /** Closes open descriptors (a crashed node's process is gone; its files are not). */
  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private closeOne(p: string): void {
    const fd = this.fds.get(p);
    if (fd !== undefined) {
      fs.closeSync(fd);
      this.fds.delete(p);
    }
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
