/**
 * Prints a (shrunk) schedule as a Gherkin scenario a person can paste into a feature file. Every
 * line is a step of the suite, in the product's words; gaps between items become "… ms
 * pass"; a write the cluster refused in the run becomes "tries to write"; an item that had
 * no effect (a failover that was refused, a crash of a replica already down) is left out. The
 * scenario carries the seed as a tag, so it replays the run message for message.
 */
import { BUGS, type BugName } from './bugs';
import { healOf, opOf, type Said } from './grammar';
import type { ItemOutcome } from './runner';
import { timeline, type Item, type Schedule } from './schedule';
import { say } from './sentences';

export interface GherkinOptions {
  bug?: BugName;
  /** Scenario title. Default: names the seed. */
  title?: string;
  /** The run's outcomes, item by item (refused writes print as "tries to write"). */
  outcomes?: readonly ItemOutcome[];
  /** Indentation of the Scenario line. Default: 2 spaces. */
  indent?: string;
}

/** What the scenario of `schedule` says, sentence by sentence. */
export function sayings(
  schedule: Schedule,
  opts: GherkinOptions = {},
): { given: Said[]; when: Said[]; then: Said[] } {
  const given: Said[] = [{ say: 'cluster', shape: schedule.cluster }];
  if (opts.bug) given.push({ say: 'bug', bug: opts.bug });
  for (const session of schedule.sessions) given.push({ say: 'session', session });
  const when: Said[] = [];
  let prevMs = 0;
  for (const action of timeline(schedule)) {
    const item = schedule.items[action.index]!;
    const outcome = opts.outcomes?.[action.index];
    const said = action.phase === 'start' ? starts(item, outcome) : ends(item, outcome);
    if (said.length === 0) continue;
    if (action.atMs > prevMs) when.push({ say: 'wait', ms: action.atMs - prevMs });
    prevMs = action.atMs;
    when.push(...said);
  }
  return { given, when, then: [{ say: 'check' }] };
}

export function toGherkin(schedule: Schedule, opts: GherkinOptions = {}): string {
  const pad = opts.indent ?? '  ';
  const c = schedule.cluster;
  const said = sayings(schedule, opts);
  const [given, when, then] = [said.given.map(say), said.when.map(say), said.then.map(say)];
  const title =
    opts.title ??
    `Seed ${schedule.seed} replayed${opts.bug ? ` with the bug "${opts.bug}" (${BUGS[opts.bug].title})` : ''}`;
  const tags = [`@seed-${schedule.seed}`, ...(c.durable ? ['@durable'] : [])];
  const out = [`${pad}${tags.join(' ')}`, `${pad}Scenario: ${title}`];
  const step = (keyword: string, text: string): string => `${pad}  ${keyword} ${text}`;
  for (const [keyword, sentences] of [
    ['Given', given],
    ['When', when],
    ['Then', then],
  ] as const)
    sentences.forEach((sentence, i) => {
      const [first, ...table] = sentence.split('\n');
      out.push(step(i === 0 ? keyword : 'And', first!));
      for (const row of table) out.push(`${pad}    ${row}`);
    });
  return out.join('\n') + '\n';
}

function starts(item: Item, outcome: ItemOutcome | undefined): Said[] {
  const refused = outcome?.start === 'refused';
  switch (item.kind) {
    case 'write':
    case 'session-write':
      return [{ say: 'start', op: opOf(item), refused }];
    case 'bad-request':
      return [{ say: 'start', op: opOf(item), refused: false }, { say: 'refused as bad input' }];
    case 'crash':
    case 'failover':
      if (outcome && outcome.start !== 'ok') return [];
      return [{ say: 'start', op: opOf(item), refused: false }];
    default:
      return [{ say: 'start', op: opOf(item), refused: false }];
  }
}

function ends(item: Item, outcome: ItemOutcome | undefined): Said[] {
  if ((outcome && outcome.end !== 'ok') || !('durationMs' in item)) return [];
  return [{ say: 'end', heal: healOf(item) }];
}
