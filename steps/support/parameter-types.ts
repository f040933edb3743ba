/**
 * Parameter types: the product's nouns in step text, validated where they are read.
 * {region} is a region id ("eu-west"), {duration} a span of virtual time ("2 s", "500 ms",
 * "1 hour"), {entity} an entity id (bare or quoted), {weight} a number including the invalid
 * ones a bad-input scenario needs ("NaN", "Infinity"), {error} one of the engine's typed
 * errors by its class name ("CorruptBatchError"), resolved to the class itself.
 */
import { defineParameterType } from '@cucumber/cucumber';
import { SCENARIO_SCHEMA } from '../../src/cluster';
import * as engine from '../../src/engine';
import { checkRegionId } from '../../src/engine';

/** A class of error the engine throws on purpose. */
export type ErrorClass = abstract new (...args: never[]) => engine.TidalError;

/** The engine's typed errors by class name. */
const ERROR_CLASSES = new Map<string, ErrorClass>(
  Object.entries(engine).flatMap(([name, value]) =>
    typeof value === 'function' && value.prototype instanceof engine.TidalError
      ? [[name, value as ErrorClass]]
      : [],
  ),
);

defineParameterType({
  name: 'error',
  regexp: /[A-Z][A-Za-z]*Error/,
  transformer: (name: string): ErrorClass => {
    const cls = ERROR_CLASSES.get(name);
    if (!cls)
      throw new Error(`"${name}" is not one of the engine's errors: ${[...ERROR_CLASSES.keys()].join(', ')}`);
    return cls;
  },
});

defineParameterType({
  name: 'region',
  regexp: /[a-z][a-z0-9-]*|"[^"]*"/,
  transformer: (s: string) => checkRegionId(s.startsWith('"') ? s.slice(1, -1) : s),
});

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1_000,
  second: 1_000,
  seconds: 1_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/.exec(text.trim());
  const unit = m ? UNIT_MS[m[2]!] : undefined;
  if (!m || unit === undefined)
    throw new Error(`"${text}" is not a duration; write e.g. "500 ms", "2 s", "3 minutes" or "1 hour"`);
  return Number(m[1]) * unit;
}

defineParameterType({
  name: 'duration',
  regexp: /\d+(?:\.\d+)?\s*(?:ms|milliseconds?|s|seconds?|min|minutes?|h|hours?|days?)/,
  transformer: parseDuration,
});

defineParameterType({
  name: 'entity',
  regexp: /"[^"]*"|[A-Za-z0-9][\w.:/-]*/,
  transformer: (s: string) => (s.startsWith('"') ? s.slice(1, -1) : s),
});

defineParameterType({
  name: 'weight',
  regexp: /-?\d+(?:\.\d+)?|NaN|-?Infinity/,
  transformer: (s: string) => Number(s),
});

/** A list of regions: "us-east, eu-west and ap-south". */
defineParameterType({
  name: 'regions',
  regexp: /[a-z][a-z0-9-]*(?:(?:, | and |, and )[a-z][a-z0-9-]*)+/,
  transformer: (s: string) => s.split(/, and |, | and /).map((r) => checkRegionId(r.trim())),
});

/**
 * The signals scenarios write, singular or plural ("1 click", "40 clicks", "a view"); a quoted
 * name is taken as it is, so a bad-input scenario can write an undeclared signal ('a "klick"').
 */
const SIGNALS = Object.keys(SCENARIO_SCHEMA.signals);

defineParameterType({
  name: 'signal',
  regexp: new RegExp([...SIGNALS.map((s) => `${s}s?`), '"[^"]*"'].join('|')),
  transformer: (text: string): string => {
    if (text.startsWith('"')) return text.slice(1, -1);
    const signal = SIGNALS.find((s) => text === s || text === `${s}s`);
    if (!signal) throw new Error(`"${text}" is not a signal; the schema declares ${SIGNALS.join(', ')}`);
    return signal;
  },
});
