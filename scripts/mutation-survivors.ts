/**
 * After `npm run mutate`: every mutant that survived must be listed, with its reason, in
 * mutation-equivalents.md. Prints the score per module and each unlisted survivor (a missing
 * test, or a bug), and exits 1 when there is one.
 */
import * as fs from 'node:fs';

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}

const REPORT = 'reports/mutation/mutation.json';
const LIST = 'mutation-equivalents.md';

const report = JSON.parse(fs.readFileSync(REPORT, 'utf8')) as {
  files: Record<string, { mutants: Mutant[] }>;
};
const listed = new Map<string, Set<string>>();
let section: Set<string> | undefined;
for (const line of fs.readFileSync(LIST, 'utf8').split('\n')) {
  const heading = /^## (\S+)/.exec(line);
  if (heading) listed.set(heading[1]!, (section = new Set()));
  const row = /^\| (\d+:\d+)/.exec(line);
  if (row && section) section.add(row[1]!);
}

let unlisted = 0;
let survivors = 0;
for (const [file, { mutants }] of Object.entries(report.files)) {
  const rel = file.slice(file.indexOf('src/'));
  for (const m of mutants) {
    if (m.status !== 'Survived') continue;
    survivors++;
    const at = `${m.location.start.line}:${m.location.start.column}`;
    if (listed.get(rel)?.has(at)) continue;
    unlisted++;
    process.stdout.write(`unlisted survivor: ${rel}:${at} ${m.mutatorName} → ${m.replacement ?? ''}\n`);
  }
}
process.stdout.write(
  `${survivors} surviving mutant(s), ${survivors - unlisted} listed as equivalent in ${LIST}, ${unlisted} unlisted\n`,
);
process.exit(unlisted ? 1 : 0);
