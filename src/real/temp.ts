/**
 * Where real mode puts its temp dirs (deployments, etcd data): the run's own temp root when
 * `npm run uat:real` names one in TIDAL_TMPDIR, else the machine's. Only what is made here counts
 * as the run's leftovers — not the caches tools keep in TMPDIR, not another run's files.
 */
import * as os from 'node:os';

export const RUN_TMPDIR_ENV = 'TIDAL_TMPDIR';

export function realTempBase(): string {
  return process.env[RUN_TMPDIR_ENV] || os.tmpdir();
}
