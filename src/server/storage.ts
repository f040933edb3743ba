/**
 * A shard's WAL directory as the deployment file names it: `<dataDir>/<region>/shard-<n>/`. The
 * engine names a replica's directory `<region>/<shard>` inside its storage; this storage keeps
 * exactly one replica's segments, so it puts them straight into the shard's directory.
 */
import * as path from 'node:path';
import { FileStorage, type WalStorage } from '../engine';

export function shardDir(dataDir: string, region: string, shard: number): string {
  return path.join(dataDir, region, `shard-${shard}`);
}

export class ShardDirStorage implements WalStorage {
  readonly files: FileStorage;

  constructor(readonly dir: string) {
    this.files = new FileStorage(dir);
  }

  list(): string[] {
    return this.files.list('');
  }
  read(_dir: string, name: string): Uint8Array {
    return this.files.read('', name);
  }
  append(_dir: string, name: string, bytes: Uint8Array): void {
    this.files.append('', name, bytes);
  }
  size(_dir: string, name: string): number {
    return this.files.size('', name);
  }
  truncate(_dir: string, name: string, length: number): void {
    this.files.truncate('', name, length);
  }
  remove(_dir: string, name: string): void {
    this.files.remove('', name);
  }
  close(): void {
    this.files.close();
  }
}
