/**
 * Checker: session guarantees. Every read a session made was served by a replica that had
 * applied the session's high-water mark (read-your-writes), and the marks a session observed
 * per shard never went backwards (monotonic reads).
 */
import type { Violation } from '../errors';
import type { History } from './history';

export function checkSessions(history: History): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, number>();
  for (const r of history.reads) {
    if (r.servedAppliedSeqNo < r.hwmBefore) {
      out.push({
        checker: 'session',
        message: `session ${r.session} read shard ${r.shard} at ${r.servedBy}, which had applied ${r.servedAppliedSeqNo} < the session's mark ${r.hwmBefore}`,
        evidence: r,
      });
    }
    const k = `${r.session}/${r.shard}`;
    const prev = seen.get(k) ?? 0;
    if (r.servedAppliedSeqNo < prev) {
      out.push({
        checker: 'session',
        message: `session ${r.session} saw shard ${r.shard} go back from ${prev} to ${r.servedAppliedSeqNo} (monotonic reads broken)`,
        evidence: r,
      });
    }
    seen.set(k, Math.max(prev, r.servedAppliedSeqNo));
  }
  return out;
}
