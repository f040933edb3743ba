/**
 * The words of a printed schedule's grammar: what a sentence says (`Said`), the shape of a row of
 * the sentence table (`Sentence`; the table itself is in sentences.ts) and the builders its rows
 * are made with, and how values fill a Cucumber Expression the way the suite's parameter types
 * read them back.
 */
import { SCENARIO_SCHEMA } from '../cluster';
import type { Heal, Op } from './apply';
import { bugSwitch, type BugName } from './bugs';
import { UNKNOWN_REGION, type BadRequest, type ClusterShape, type Item, type SessionSpec } from './schedule';

/** What one sentence of a printed schedule says. */
export type Said =
  | { say: 'cluster'; shape: ClusterShape }
  | { say: 'bug'; bug: BugName }
  | { say: 'session'; session: SessionSpec }
  | { say: 'wait'; ms: number }
  /** An item starts; `refused`: the run's cluster refused it (a write prints as "tries to"). */
  | { say: 'start'; op: Op; refused: boolean }
  /** The second sentence of a bad request: its typed refusal. */
  | { say: 'refused as bad input' }
  | { say: 'end'; heal: Heal }
  | { say: 'check' };

/** The steps file that defines a sentence's step: the simulation's own, or a product steps file. */
export type Home = `steps/${string}.steps.ts`;
export const SIMULATION_STEPS: Home = 'steps/simulation.steps.ts';

/** A data table as a step receives it (Cucumber's DataTable has both). */
export interface Rows {
  hashes(): Record<string, string>[];
  rowsHash(): Record<string, string>;
}

/** A printed data table, the last value of a sentence that ends with a colon. */
export interface Table {
  table: string;
}

export type Value = string | number | Table;

export interface Sentence {
  /** The Cucumber Expression the step is defined with. */
  expression: string;
  home: Home;
  /** The values of the expression's parameters (a table last) when this row says `said`. */
  print(said: Said): Value[] | undefined;
  /** What the sentence says, from its parameters' values as the parameter types transform them. */
  read(values: readonly unknown[]): Said;
}

/** The signals a scenario's schema declares (printed as bare words). */
const SIGNAL_NAMES = Object.keys(SCENARIO_SCHEMA.signals);

/** `expression` with each parameter replaced by its value as the parameter type reads it. */
export function fill(expression: string, values: readonly Value[]): string {
  const rest = [...values];
  // Optional text agrees with the quantity before it: a noun's "(s)" is printed unless that
  // quantity is 1 ("2 shards"), a verb's "(es)" only when it is ("1 ms passes", "5 ms pass").
  let quantity: Value | undefined;
  const text = expression.replace(
    /\{(\w*)\}|\((\w+)\)/g,
    (_, type: string | undefined, optional?: string) => {
      if (type === undefined) return (optional === 'es') === (quantity === 1) ? optional! : '';
      const v = rest.shift();
      if (v === undefined || typeof v === 'object')
        throw new Error(`no value for {${type}} in "${expression}"`);
      quantity = v;
      if (type === 'string') return `"${v}"`;
      // A declared signal is a bare word ("a click"), any other name a quoted one ('a "klick"').
      if (type === 'signal') return SIGNAL_NAMES.includes(String(v)) ? String(v) : `"${v}"`;
      if (type === 'duration') return `${v} ms`;
      if (type === 'entity' && !/^[A-Za-z0-9][\w.:/-]*$/.test(String(v))) return `"${v}"`;
      return String(v);
    },
  );
  const table = rest.shift();
  if (rest.length || (table !== undefined && typeof table !== 'object'))
    throw new Error(`too many values for "${expression}": ${JSON.stringify(values)}`);
  return table ? `${text}\n${table.table}` : text;
}

/** An item as its sentence states it: no times, and not whether a write was a retry. */
export function opOf(item: Item): Op {
  const { atMs: _atMs, ...op } = item;
  if ('durationMs' in op) delete (op as { durationMs?: number }).durationMs;
  if ('retry' in op) delete (op as { retry?: boolean }).retry;
  return op;
}

/** What a heal sentence states of a fault: the fields that name it. */
export function healOf(item: Item): Heal {
  switch (item.kind) {
    case 'partition':
      return { kind: item.kind, a: item.a, b: item.b };
    case 'one-way-partition':
      return { kind: item.kind, from: item.from, to: item.to };
    case 'network':
      return item.link ? { kind: item.kind, link: item.link } : { kind: item.kind };
    case 'skew':
      return { kind: item.kind, region: item.region };
    case 'crash':
      return { kind: item.kind, region: item.region, shard: item.shard };
    default:
      throw new Error(`a ${item.kind} does not heal`);
  }
}

/** A session's name in a sentence ("client s3"), and the id it names. */
export const sessionName = (id: number): string => `s${id}`;
export function sessionId(name: string): number {
  const m = /^s(\d+)$/.exec(name);
  if (!m) throw new Error(`a simulated session is named s<number>, not "${name}"`);
  return Number(m[1]);
}

/** A bug switch's name, checked against the known switches. */
export const bugName = (name: string): BugName => bugSwitch(name).name;

// --- builders of the rows of the sentence table (sentences.ts) ---

type OpOf<K extends Op['kind']> = Extract<Op, { kind: K }>;
type HealOf<K extends Heal['kind']> = Extract<Heal, { kind: K }>;
type Read<T> = (v: readonly unknown[]) => T;

export const str = (v: unknown): string => v as string;
export const num = (v: unknown): number => v as number;
export const rows = (v: unknown): Rows => v as Rows;

/** A sentence of the scenario's frame or of its sessions (what `print` returns for `said`). */
export function frame(
  expression: string,
  home: Home,
  print: (s: Said) => Value[] | undefined,
  read: Read<Said>,
): Sentence {
  return { expression, home, print, read };
}

/** A sentence that starts an item of kind `kind` (`refused`: its "tries to" form). */
export function start<K extends Op['kind']>(
  kind: K,
  expression: string,
  home: Home,
  print: (op: OpOf<K>) => Value[] | undefined,
  read: Read<OpOf<K>>,
  refused = false,
): Sentence {
  return {
    expression,
    home,
    print: (s) =>
      s.say === 'start' && s.op.kind === kind && s.refused === refused ? print(s.op as OpOf<K>) : undefined,
    read: (v) => ({ say: 'start', op: read(v), refused }),
  };
}

/** A sentence that heals a fault of kind `kind`. */
export function end<K extends Heal['kind']>(
  kind: K,
  expression: string,
  home: Home,
  print: (h: HealOf<K>) => Value[] | undefined,
  read: Read<HealOf<K>>,
): Sentence {
  return {
    expression,
    home,
    print: (s) => (s.say === 'end' && s.heal.kind === kind ? print(s.heal as HealOf<K>) : undefined),
    read: (v) => ({ say: 'end', heal: read(v) }),
  };
}

/** A write, in the form its expression states: by a tenant, through a region, with a key, tried. */
export function write(expression: string, home: Home): Sentence {
  const tenant = expression.startsWith('tenant ');
  const via = expression.includes(' through ');
  const key = expression.includes(' with idempotency key ');
  const form = (op: OpOf<'write'>): boolean =>
    tenant === (op.tenant !== undefined) &&
    via === (op.via !== undefined) &&
    key === (op.idempotencyKey !== undefined);
  return start(
    'write',
    expression,
    home,
    (op) =>
      form(op)
        ? [
            ...(tenant ? [op.tenant!] : []),
            op.signal,
            op.weight,
            op.entity,
            ...(via ? [op.via!] : []),
            ...(key ? [op.idempotencyKey!] : []),
          ]
        : undefined,
    (values) => {
      const v = [...values];
      return {
        kind: 'write',
        ...(tenant ? { tenant: str(v.shift()) } : {}),
        signal: str(v.shift()),
        weight: num(v.shift()),
        entity: str(v.shift()),
        ...(via ? { via: str(v.shift()) } : {}),
        ...(key ? { idempotencyKey: str(v.shift()) } : {}),
      };
    },
    expression.includes(' tries to write '),
  );
}

/**
 * A bad request: the product's sentence for it, with the fixed values the simulator sends (the
 * runner's probe sends the same); `regionAt` is where the request's region is among them. An
 * unknown region is the request's own: the schedule's region is not in that sentence and reads
 * back as the unknown region.
 */
export function badRequest(
  problem: BadRequest,
  expression: string,
  home: Home,
  regionAt: number | undefined,
  values: (region: string) => Value[],
): Sentence {
  return start(
    'bad-request',
    expression,
    home,
    (op) => (op.problem === problem ? values(op.region) : undefined),
    (v) => {
      const region = regionAt === undefined ? UNKNOWN_REGION : str(v[regionAt]);
      const text = fill(expression, v as Value[]);
      if (fill(expression, values(region)) !== text)
        throw new Error(`"${text}" is not a bad request the simulator sends`);
      return { kind: 'bad-request', problem, region };
    },
  );
}

/** A session declaration (a Given of the scenario): waiting or redirecting, a tenant's or not. */
export function session(expression: string, policy: SessionSpec['policy'], tenant: boolean): Sentence {
  const waits = policy === 'wait';
  return frame(
    expression,
    SIMULATION_STEPS,
    (s) =>
      s.say === 'session' && s.session.policy === policy && (s.session.tenant !== undefined) === tenant
        ? [
            sessionName(s.session.id),
            ...(tenant ? [s.session.tenant!] : []),
            s.session.region,
            ...(waits ? [s.session.timeoutMs] : []),
          ]
        : undefined,
    (values) => {
      const v = [...values];
      const id = sessionId(str(v.shift()));
      const t = tenant ? { tenant: str(v.shift()) } : {};
      const region = str(v.shift());
      // A redirecting session never waits: its sentence states no timeout, and it reads back as 0.
      const timeoutMs = waits ? num(v.shift()) : 0;
      return { say: 'session', session: { id, region, policy, timeoutMs, ...t } };
    },
  );
}

/** A session write (`refused`: its "tries to" form). */
export const sessionWrite = (expression: string, refused = false): Sentence =>
  start(
    'session-write',
    expression,
    SIMULATION_STEPS,
    (op) => [sessionName(op.session), op.signal, op.weight, op.entity],
    (v) => ({
      kind: 'session-write',
      session: sessionId(str(v[0])),
      signal: str(v[1]),
      weight: num(v[2]),
      entity: str(v[3]),
    }),
    refused,
  );

/** A clock set off by `skewMs` (ahead when ≥ 0) and drifting `driftMsPerS` (sign by the row). */
export function skew(expression: string, home: Home, ahead: boolean, drift: -1 | 0 | 1): Sentence {
  const sign = (n: number): -1 | 0 | 1 => (n > 0 ? 1 : n < 0 ? -1 : 0);
  return start(
    'skew',
    expression,
    home,
    (op) =>
      op.skewMs >= 0 === ahead && sign(op.driftMsPerS) === drift
        ? [op.region, Math.abs(op.skewMs), ...(drift ? [Math.abs(op.driftMsPerS)] : [])]
        : undefined,
    (v) => ({
      kind: 'skew',
      region: str(v[0]),
      skewMs: (ahead ? 1 : -1) * num(v[1]),
      driftMsPerS: drift ? drift * num(v[2]) : 0,
    }),
  );
}

export const link = (v: readonly unknown[]): { from: string; to: string } => ({
  from: str(v[0]),
  to: str(v[1]),
});
export const linkValues = (
  l: { from: string; to: string } | undefined,
  everyLink: boolean,
): Value[] | undefined => (everyLink === (l === undefined) ? (l ? [l.from, l.to] : []) : undefined);
