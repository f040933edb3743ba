/**
 * What real-process mode needs of the machine, checked before anything starts: a private
 * network namespace (root or CAP_NET_ADMIN: `unshare -n`), etcd, iptables and libfaketime.
 * Missing ones are named with the command that installs them, and the run is reported skipped,
 * never passed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { ETCD_BIN } from './etcd-server';
import { IPTABLES } from './firewall';
import { NETNS_ENV, ROOT_NETNS_ENV } from './netns';

export const INSTALL_HINT =
  'install with: apt-get install -y etcd-server faketime iptables (and run as root)';

/** Debian's libfaketime (`dpkg -L libfaketime`), or TIDAL_LIBFAKETIME. */
export function libfaketimePath(): string | undefined {
  const candidates = [
    process.env.TIDAL_LIBFAKETIME,
    '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
    '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
    '/usr/lib/faketime/libfaketime.so.1',
  ];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  const r = spawnSync('dpkg', ['-L', 'libfaketime'], { encoding: 'utf8', timeout: 5_000 });
  return (r.stdout ?? '').split('\n').find((l) => /\/libfaketime\.so(\.\d+)?$/.test(l) && fs.existsSync(l));
}

function runs(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/** Every missing prerequisite, as a reason (empty when real mode can run). */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!runs('unshare', ['-n', 'true']))
    missing.push('cannot create a network namespace (`unshare -n true` failed: not root / no CAP_NET_ADMIN)');
  if (!fs.existsSync(ETCD_BIN)) missing.push(`no etcd at ${ETCD_BIN} (Debian's etcd-server)`);
  if (!runs(IPTABLES, ['--version'])) missing.push('no iptables');
  if (!libfaketimePath()) missing.push("no libfaketime (Debian's faketime)");
  return missing;
}

/** The machine's network namespace (what the runner records before `unshare -n`). */
export function ownNetns(): string {
  return fs.readlinkSync('/proc/self/ns/net');
}

/**
 * `cmd` run inside a new network and PID namespace with loopback up and the namespace markers
 * set (see netns.ts). The shell stays PID 1 (a command as PID 1 would ignore SIGINT); when it ends, the kernel ends every process left in the PID
 * namespace, and the network namespace with its rules goes with them.
 */
export function inPrivateNetns(cmd: readonly string[]): {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
} {
  return {
    file: 'unshare',
    args: [
      '--net',
      '--pid',
      '--fork',
      '--mount-proc',
      '--',
      'sh',
      '-c',
      `ip link set lo up && export ${NETNS_ENV}="$(readlink /proc/self/ns/net)" && "$@"`,
      'tidal-netns',
      ...cmd,
    ],
    env: { ...process.env, [ROOT_NETNS_ENV]: ownNetns() },
  };
}
