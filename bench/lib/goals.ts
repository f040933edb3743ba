/**
 * The goals of the benchmark report: every figure a benchmark lists in its `targets` (a path
 * into its JSON, and a goal such as '>= 1000' or '<= 3 (why)'), looked up, judged and printed as
 * one table at the end of `npm run bench`.
 */

export interface GoalRow {
  benchmark: string;
  figure: string;
  /** The figure (a median where the benchmark ran it several times). */
  value: number | undefined;
  /** [min, max] over the runs, where the benchmark reports one (`<figure>_range`). */
  range: [number, number] | undefined;
  goal: string;
  /** undefined: the figure is missing or the goal is not a plain comparison. */
  met: boolean | undefined;
}

/** The value at a dotted `path` of `obj`, if any. */
function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Whether `value` meets `goal` ('>= x' or '<= x', anything after the number is a comment). */
export function meets(value: number | undefined, goal: string): boolean | undefined {
  const m = /^\s*(>=|<=)\s*(-?[\d.]+(?:e[+-]?\d+)?)/i.exec(goal);
  if (value === undefined || !m) return undefined;
  const bound = Number(m[2]);
  return m[1] === '>=' ? value >= bound : value <= bound;
}

/** One row per target of a benchmark's result. */
export function goalRows(result: Record<string, unknown>): GoalRow[] {
  // `targets` of most benchmarks; the suite benchmark names its one goal `target`.
  const targets = { ...(result.target as object), ...(result.targets as object) } as Record<string, string>;
  return Object.entries(targets).map(([figure, goal]) => {
    const v = at(result, figure);
    const r = at(result, `${figure}_range`);
    const value = typeof v === 'number' ? v : undefined;
    return {
      benchmark: String(result.benchmark),
      figure,
      value,
      range: Array.isArray(r) && r.length === 2 ? [Number(r[0]), Number(r[1])] : undefined,
      goal,
      met: meets(value, goal),
    };
  });
}

/** The rows as a fixed-width text table. */
export function goalTable(rows: readonly GoalRow[]): string {
  const fmt = (x: number): string => x.toLocaleString('en', { maximumSignificantDigits: 3 });
  const cells = rows.map((r) => [
    `${r.benchmark}: ${r.figure}`,
    r.value === undefined ? 'missing' : fmt(r.value),
    r.range ? `${fmt(r.range[0])} – ${fmt(r.range[1])}` : '(one run)',
    r.goal,
    r.met === undefined ? '?' : r.met ? 'met' : 'NOT MET',
  ]);
  const head = ['figure', 'median', 'min – max', 'goal', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
