/**
 * Prints the CCK table: for every sample message stream of @cucumber/compatibility-kit, the
 * scenarios the summary counts, their statuses, the run's errors, Cucumber's own success and the
 * summary's headline. cck.test.ts checks each row against Cucumber's own verdicts.
 *
 *   node -r ts-node/register scripts/cck-table.ts [--write]   (--write: into src/report/summary/cck-table.md)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cckTable } from '../src/report/summary/cck';

const table = `${cckTable()}\n`;
if (process.argv.includes('--write'))
  writeFileSync(join(__dirname, '..', 'src', 'report', 'summary', 'cck-table.md'), table);
process.stdout.write(table);
