/**
 * Prints the CCK table: for every sample message stream of @cucumber/compatibility-kit, the
 * scenarios the summary counts, their statuses, the run's errors, Cucumber's own success and the
 * summary's headline. cck.test.ts checks each row against Cucumber's own verdicts.
 *
 *   node -r ts-node/register scripts/cck-table.ts [--write]   (--write: into src/report/summary/cck-table.md)
 */
import { writeFileSync } from 'node:fs';
import { CCK_TABLE_FILE, cckTableFile } from '../src/report/summary/cck';

cckTableFile().then(
  (table) => {
    if (process.argv.includes('--write')) writeFileSync(CCK_TABLE_FILE, table);
    process.stdout.write(table);
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
