/**
 * Firewall: network faults between regions as iptables rules, in a chain of our own (TIDAL)
 * jumped from INPUT and OUTPUT, inside the run's private network namespace (it refuses to run
 * anywhere else, and only 127.0.0.x addresses are ever a rule's source or destination).
 *
 * Fault model, and how it differs from the simulator's: a partition a ⇹ b is a DROP rule each way
 * between the two regions' addresses; a one-way cut from → to one rule. TCP makes a one-way cut
 * mostly two-way (the other side's ACKs and SYN-ACKs are the dropped direction), so what a
 * one-way cut lets through depends on the connections already open. Random loss is the
 * `statistic` match; TCP retransmits what it drops, so loss becomes delay, never a lost or
 * duplicated message. A heal deletes exactly the rules it added (`iptables -D` with the same
 * spec); `flush` empties the chain. Every change logs `iptables -S TIDAL` for the report.
 */
import { execFileSync } from 'node:child_process';
import { InvalidInputError } from '../engine';
import { assertPrivateNetns } from './netns';

export const CHAIN = 'TIDAL';
export const IPTABLES = process.env.TIDAL_IPTABLES_BIN || 'iptables';
const LOOPBACK_RE = /^127\.0\.0\.(\d{1,3})$/;

/** One rule of the chain: drop packets from one address to another (a share of them, or all). */
export interface DropRule {
  from: string;
  to: string;
  /** Share of packets dropped, (0, 1]; 1 = all (a cut). */
  probability: number;
}

export function ruleSpec(r: DropRule): string[] {
  checkAddress(r.from);
  checkAddress(r.to);
  if (!(r.probability > 0 && r.probability <= 1))
    throw new InvalidInputError('drop probability', r.probability, 'a probability above 0 and at most 1');
  const stat =
    r.probability < 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', String(r.probability)] : [];
  return ['-s', `${r.from}/32`, '-d', `${r.to}/32`, ...stat, '-j', 'DROP'];
}

function checkAddress(a: string): void {
  const m = LOOPBACK_RE.exec(a);
  if (!m || Number(m[1]) < 2 || Number(m[1]) > 254)
    throw new InvalidInputError('firewall address', a, 'only 127.0.0.2 … 127.0.0.254 are ever a rule target');
}

export class Firewall {
  /** Rules in force, in the order added (one entry per `iptables -A`). */
  private readonly rules: DropRule[] = [];
  /** `iptables -S TIDAL` after every change, with the time (for the report). */
  readonly changes: { atMs: number; what: string; rules: string }[] = [];
  private ready = false;

  constructor(private readonly run: (args: string[]) => string = runIptables) {}

  /** Creates the chain and the jumps (once); refuses outside the run's network namespace. */
  setUp(): void {
    if (this.ready) return;
    assertPrivateNetns();
    if (!this.has(['-S', CHAIN])) this.run(['-N', CHAIN]);
    for (const hook of ['INPUT', 'OUTPUT'])
      if (!this.has(['-C', hook, '-j', CHAIN])) this.run(['-I', hook, '1', '-j', CHAIN]);
    this.ready = true;
  }

  /** Adds one rule; returns it, to be removed with `remove`. */
  add(rule: DropRule, what: string): DropRule {
    this.setUp();
    this.run(['-A', CHAIN, ...ruleSpec(rule)]);
    this.rules.push(rule);
    this.record(what);
    return rule;
  }

  /** Removes exactly this rule (the same spec it was added with); a rule already gone is a no-op. */
  remove(rule: DropRule, what: string): void {
    const i = this.rules.indexOf(rule);
    if (i < 0) return;
    this.run(['-D', CHAIN, ...ruleSpec(rule)]);
    this.rules.splice(i, 1);
    this.record(what);
  }

  /** Every rule this firewall added and still holds. */
  inForce(): readonly DropRule[] {
    return this.rules;
  }

  /** Empties the chain (every fault healed at once). */
  flush(what = 'flush'): void {
    if (!this.ready) return;
    this.run(['-F', CHAIN]);
    this.rules.length = 0;
    this.record(what);
  }

  /** Removes the chain and its jumps (the end of a cluster). */
  tearDown(): void {
    if (!this.ready) return;
    this.flush('tear down');
    for (const hook of ['INPUT', 'OUTPUT'])
      while (this.has(['-C', hook, '-j', CHAIN])) this.run(['-D', hook, '-j', CHAIN]);
    if (this.has(['-S', CHAIN])) this.run(['-X', CHAIN]);
    this.ready = false;
  }

  /** `iptables -S TIDAL` now. */
  listing(): string {
    return this.ready ? this.run(['-S', CHAIN]).trim() : '';
  }

  private record(what: string): void {
    this.changes.push({ atMs: Date.now(), what, rules: this.listing() });
  }

  private has(args: string[]): boolean {
    try {
      this.run(args);
      return true;
    } catch {
      return false;
    }
  }
}

/** Runs iptables (with `-w`: wait for the xtables lock, bounded). */
function runIptables(args: string[]): string {
  return execFileSync(IPTABLES, ['-w', '5', ...args], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
