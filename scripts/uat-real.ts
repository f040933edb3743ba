/**
 * `npm run uat:real` (and `uat:real:smoke`): the features against real processes (issue 15).
 * Checks the prerequisites first — a network namespace (root or CAP_NET_ADMIN), etcd, iptables,
 * libfaketime — and without one prints "real-process mode SKIPPED: <why>; install with: …" and
 * exits 0 without claiming a pass. Otherwise runs `cucumber-js --profile real` (extra arguments
 * passed through) inside a new network and PID namespace with loopback up, so firewall rules
 * never touch the machine and no process outlives the run; then checks that nothing is left:
 * no process of this run, nothing in its own temp root (TIDAL_TMPDIR), no TIDAL chain in the
 * machine's namespace.
 * Usage: node -r ts-node/register scripts/uat-real.ts [--smoke] [cucumber-js args…]
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeLeftovers, leftoversOf, runTempRoot } from '../src/real/leftovers';
import { RUN_TMPDIR_ENV } from '../src/real/temp';
import { inPrivateNetns, INSTALL_HINT, missingPrerequisites } from '../src/real/prerequisites';

/**
 * The smoke: the scenarios tagged @real-smoke, one each of partition, crash/restart, failover and
 * clock skew (features/GLOSSARY.md). A tag, not names: renaming a scenario cannot drop it silently.
 */
export const SMOKE_TAG = '@real-smoke';

/** Bound on the whole run (real ms): a hung run is killed and reported. */
const RUN_TIMEOUT_MS = Number(process.env.TIDAL_REAL_TIMEOUT_MS) || 60 * 60_000;

/** The cucumber-js arguments: the real profile, the smoke's tag, then the caller's (Cucumber ANDs the tags). */
export function cucumberArgs(smoke: boolean, extra: readonly string[]): string[] {
  const tags = smoke ? ['--tags', SMOKE_TAG] : [];
  return ['--profile', 'real', ...tags, ...extra];
}

export function main(argv: readonly string[]): number {
  const smoke = argv.includes('--smoke');
  const extra = argv.filter((a) => a !== '--smoke');
  const missing = missingPrerequisites();
  if (missing.length) {
    console.log(`real-process mode SKIPPED: ${missing.join('; ')}; ${INSTALL_HINT}`);
    return 0;
  }
  const runId = process.env.TIDAL_RUN_ID || `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  // The run's own temp root: every deployment and etcd data dir it makes is in one place, found
  // and removed without touching another run's files.
  const tmpRoot = runTempRoot(runId);
  fs.mkdirSync(tmpRoot, { recursive: true });
  const cmd = inPrivateNetns([
    path.join(__dirname, '..', 'node_modules', '.bin', 'cucumber-js'),
    ...cucumberArgs(smoke, extra),
  ]);
  const started = Date.now();
  const run = spawnSync(cmd.file, cmd.args, {
    stdio: 'inherit',
    env: { ...cmd.env, TIDAL_RUN_ID: runId, [RUN_TMPDIR_ENV]: tmpRoot },
    timeout: RUN_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const wallS = ((Date.now() - started) / 1000).toFixed(1);
  const status = run.status ?? 1;
  const leftovers = leftoversOf(runId);
  const left = describeLeftovers(leftovers);
  // Reported, then removed: a run killed from outside cannot clean its own temp dirs.
  fs.rmSync(tmpRoot, { recursive: true, force: true });
  console.log(
    `\nreal-process mode${smoke ? ' smoke' : ''}: cucumber-js exited ${run.status ?? run.signal}${run.error ? ` (${run.error.message})` : ''} after ${wallS} s; ` +
      (left.length
        ? `LEFT BEHIND:\n  ${left.join('\n  ')}`
        : 'nothing left behind (no process of the run, no temp dir, no firewall chain)'),
  );
  return left.length ? 1 : status;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
