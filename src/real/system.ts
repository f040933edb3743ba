/** The system a real-process cluster is: which node binary, engine and version, which pids, which etcd. */
import * as path from 'node:path';
import { checkoutCommit } from '../checkout';
import type { SystemUnderTest } from '../cluster/report-data';
import type { StatusResponse } from '../server/protocol';

let commit: string | undefined;

export interface RealSystemFacts {
  bin: string;
  statuses: (StatusResponse | undefined)[];
  pids: Record<string, number[]>;
  etcdVersion: string;
}

export function realSystem(f: RealSystemFacts): SystemUnderTest {
  const s = f.statuses.find((x) => x !== undefined);
  const engine = s?.engine ?? 'unknown';
  const version = s?.version ?? 'unknown';
  const pids = Object.entries(f.pids)
    .map(([r, p]) => `${r} pid ${p.join('→')}`)
    .join(', ');
  return {
    mode: 'real-processes',
    engine,
    version,
    commit: (commit ??= checkoutCommit(__dirname)),
    parts: [
      `${path.basename(f.bin)} (protocol ${s?.protocol ?? '?'})`,
      `etcd ${f.etcdVersion}`,
      'iptables in a private network namespace',
      'libfaketime',
    ],
    description:
      `${engine} ${version} as ${path.basename(f.bin)} processes (protocol ${s?.protocol ?? '?'}; ${pids}), ` +
      `control plane etcd ${f.etcdVersion}, partitions by iptables in a private network namespace, skew by libfaketime, crashes by SIGKILL`,
  };
}
