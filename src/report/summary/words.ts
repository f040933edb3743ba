/** Short phrases both renderings use, so the page and the job summary say the same thing. */

/** Why a promise is flagged flaky. */
export function flakyNote(commits: readonly string[]): string {
  return `its verdict changed between runs of the same commit (${commits.map((c) => c.slice(0, 12)).join(', ')})`;
}
