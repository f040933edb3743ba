/**
 * `node -r ts-node/register scripts/coverage-summary.ts [reports/coverage/coverage-summary.json]`
 *
 * Reads c8's json-summary (written by `npm run coverage`) and prints line coverage of the engine
 * modules the replication goal names — replication, CRDTs, sessions, idempotency and the leader
 * write path — per file and per group, against the goal of 95 % of lines. A module the run never
 * loaded is listed as 0 %, not left out, so a group cannot look better by missing a file. Exits 0
 * whatever the figures (it reports, it does not gate); 2 when the summary cannot be read.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const GOAL_LINES_PCT = 95;

/** A group of source files, by directory (every non-test module in it) or by file. */
export interface Group {
  name: string;
  /** Repo-relative paths: a directory ending in `/` or a single file. */
  paths: string[];
  /** Repo-relative files to leave out (test kits). */
  exclude?: string[];
}

export const GROUPS: Group[] = [
  { name: 'replication', paths: ['src/engine/replication/'] },
  { name: 'crdt', paths: ['src/engine/crdt/'] },
  { name: 'session', paths: ['src/engine/session.ts'] },
  { name: 'idempotency', paths: ['src/engine/idempotency.ts'] },
  // The replica's facade checks and routes a write, the write path applies and logs it, the
  // commit tracker counts it committed under the ack policy.
  {
    name: 'leader write path',
    paths: ['src/engine/tidal-db.ts', 'src/engine/write-path.ts', 'src/engine/commit-tracker.ts'],
  },
];

/** The part of an istanbul json-summary entry this script reads. */
interface Counts {
  total: number;
  covered: number;
}
type Summary = Record<string, { lines: Counts }>;

export interface FileLines {
  file: string;
  covered: number;
  total: number;
  /** False when the run never loaded the module (no entry in the summary). */
  loaded: boolean;
}

export interface GroupLines {
  name: string;
  files: FileLines[];
  covered: number;
  total: number;
}

/** The group's source files on disk, repo-relative, sorted. */
export function groupFiles(group: Group, root: string): string[] {
  const out: string[] = [];
  for (const p of group.paths) {
    if (!p.endsWith('/')) {
      out.push(p);
      continue;
    }
    for (const name of readdirSync(path.join(root, p)).sort())
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(`${p}${name}`);
  }
  return out.filter((f) => !(group.exclude ?? []).includes(f));
}

/** Line counts per file and per group; keys of `summary` may be absolute or repo-relative. */
export function groupLines(summary: Summary, groups: Group[], root: string): GroupLines[] {
  const byFile = new Map<string, Counts>();
  for (const [key, entry] of Object.entries(summary)) {
    if (key === 'total') continue;
    byFile.set(path.relative(root, path.resolve(root, key)).split(path.sep).join('/'), entry.lines);
  }
  return groups.map((group) => {
    const files = groupFiles(group, root).map((file): FileLines => {
      const lines = byFile.get(file);
      if (lines) return { file, covered: lines.covered, total: lines.total, loaded: true };
      const total = readFileSync(path.join(root, file), 'utf8').split('\n').length;
      return { file, covered: 0, total, loaded: false };
    });
    const covered = files.reduce((n, f) => n + f.covered, 0);
    const total = files.reduce((n, f) => n + f.total, 0);
    return { name: group.name, files, covered, total };
  });
}

/** Percentage with two decimals, truncated (so 94.999 is never shown as a met 95.00). */
export function pct(covered: number, total: number): number {
  return total === 0 ? 100 : Math.floor((covered / total) * 10_000) / 100;
}

export function formatGroups(groups: GroupLines[], goalPct = GOAL_LINES_PCT): string {
  const rows: string[][] = [['', 'lines %', 'covered/total', `≥ ${goalPct} %`]];
  for (const g of groups) {
    const mark = (c: number, t: number): string => (pct(c, t) >= goalPct ? 'yes' : 'NO');
    rows.push([
      g.name,
      pct(g.covered, g.total).toFixed(2),
      `${g.covered}/${g.total}`,
      mark(g.covered, g.total),
    ]);
    for (const f of g.files)
      rows.push([
        `  ${f.file}${f.loaded ? '' : ' (never loaded)'}`,
        pct(f.covered, f.total).toFixed(2),
        `${f.covered}/${f.total}`,
        mark(f.covered, f.total),
      ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
}

function main(): number {
  const file = process.argv[2] ?? path.join('reports', 'coverage', 'coverage-summary.json');
  if (!existsSync(file)) {
    process.stderr.write(`coverage-summary: no ${file}; run npm run coverage first\n`);
    return 2;
  }
  const summary = JSON.parse(readFileSync(file, 'utf8')) as Summary;
  const groups = groupLines(summary, GROUPS, process.cwd());
  const met = groups.filter((g) => pct(g.covered, g.total) >= GOAL_LINES_PCT).length;
  process.stdout.write(
    `\nLine coverage of the replication goal's modules (goal ≥ ${GOAL_LINES_PCT} % lines), from ${file}:\n\n`,
  );
  process.stdout.write(`${formatGroups(groups)}\n\n${met} of ${groups.length} groups meet the goal.\n`);
  return met === groups.length ? 0 : 1; // a missed goal is not a green run
}

if (require.main === module) process.exitCode = main();
