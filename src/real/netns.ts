/**
 * Where the run is allowed to touch the firewall: only inside a network namespace the runner
 * created. `npm run uat:real` records the machine's namespace before `unshare -n` in
 * TIDAL_ROOT_NETNS and the new one in TIDAL_NETNS; this process must be in the new one and
 * not in the machine's. (PID 1's namespace is no reference: the runner also makes a PID
 * namespace, whose PID 1 is its own shell, and outside it /proc/1/ns is often unreadable.)
 */
import * as fs from 'node:fs';
import { PrerequisiteError } from './errors';

export const NETNS_ENV = 'TIDAL_NETNS';
export const ROOT_NETNS_ENV = 'TIDAL_ROOT_NETNS';

function nsOf(pid: string): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}

/** Why this process may not change firewall rules, or undefined when it may. */
export function whyNotPrivateNetns(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = nsOf('self');
  if (!own) return 'cannot read /proc/self/ns/net';
  const marked = env[NETNS_ENV];
  const root = env[ROOT_NETNS_ENV];
  if (!marked || !root)
    return `${NETNS_ENV}/${ROOT_NETNS_ENV} are not set: run through \`npm run uat:real\`, which creates the namespace`;
  if (own !== marked) return `this process is in ${own}, not in the run's namespace ${marked}`;
  if (own === root) return `this process is in the machine's network namespace ${root}`;
  return undefined;
}

/** Throws unless this process runs in the run's own network namespace. */
export function assertPrivateNetns(): void {
  const why = whyNotPrivateNetns();
  if (why)
    throw new PrerequisiteError(
      'a private network namespace for its firewall rules',
      `${why}; refusing to touch iptables`,
    );
}
