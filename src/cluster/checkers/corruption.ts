/**
 * Checker: every message a replica refused as corrupt was corrupted on its way — by the network's
 * corruption fault on that very link, or by a test that put crafted bytes on the wire. A refusal
 * beyond that means a sender built a bad message (a wrong checksum, a mangled header) or a
 * receiver rejects good ones; replication quietly recovers from both through resends, so nothing
 * else would notice.
 */
import type { Violation } from '../errors';

export function checkCorruption(
  refused: ReadonlyMap<string, number>,
  corrupted: ReadonlyMap<string, number>,
  injected: ReadonlyMap<string, number>,
): Violation[] {
  const out: Violation[] = [];
  for (const [link, n] of refused) {
    const faults = (corrupted.get(link) ?? 0) + (injected.get(link) ?? 0);
    if (n > faults) {
      const [from, to] = link.split('>');
      out.push({
        checker: 'corruption',
        message: `${to} refused ${n} message(s) from ${from} as corrupt, but only ${faults} were corrupted on that link by a fault: a sender built a bad message or a receiver refused a good one`,
        evidence: {
          link,
          refused: n,
          corrupted: corrupted.get(link) ?? 0,
          injected: injected.get(link) ?? 0,
        },
      });
    }
  }
  return out;
}
