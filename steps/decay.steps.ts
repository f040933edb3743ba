/**
 * Steps about decaying scores: writes dated when their interaction happened, retractions, and
 * the glossary's score phrase ("article-1 scores 4.0 clicks in every region").
 *
 * A {score} is checked to the precision it is written with: "4.0" means 3.95 to 4.05, "0.50"
 * means 0.495 to 0.505, "10.000" means 9.9995 to 10.0005.
 */
import { defineParameterType, Then, When } from '@cucumber/cucumber';
import { expect } from 'expect';
import { readEverywhere, readingsAgree } from './support/readings';
import type { TidalWorld } from './support/world';

/** A score as written in a feature: its value, and how far a reading may be from it. */
interface WrittenScore {
  value: number;
  tolerance: number;
}

defineParameterType({
  name: 'score',
  regexp: /-?\d+\.\d+/,
  transformer: (text: string): WrittenScore => ({
    value: Number(text),
    tolerance: 0.5 * 10 ** -text.split('.')[1]!.length,
  }),
});

/** Writes one `signal` of `weight` to `entity`, dated `agoMs` before now. */
async function writeDated(
  world: TidalWorld,
  signal: string,
  entity: string,
  weight: number,
  agoMs: number,
): Promise<void> {
  world.acks.push(
    await world.cluster.writeSignal(signal, entity, weight, { timeMs: world.cluster.now() - agoMs }),
  );
}

When(
  'a client writes a {signal} to {entity} that happened {duration} ago',
  async function (this: TidalWorld, signal: string, entity: string, agoMs: number) {
    await writeDated(this, signal, entity, 1, agoMs);
  },
);

When(
  'a client retracts a {signal} to {entity} that happened {duration} ago',
  async function (this: TidalWorld, signal: string, entity: string, agoMs: number) {
    await writeDated(this, signal, entity, -1, agoMs);
  },
);

Then(
  '{entity} scores {score} {signal} in {region}',
  async function (this: TidalWorld, entity: string, score: WrittenScore, signal: string, region: string) {
    const got = await this.cluster.readDecayScore(region, entity, signal);
    expect(got).toBeDefined();
    expect(Math.abs(got! - score.value)).toBeLessThanOrEqual(score.tolerance);
  },
);

// Every region reads the score written, and the regions read the same score (to 1e-9, allowing
// for the decay while the reads took time against real processes).
Then(
  '{entity} scores {score} {signal} in every region',
  async function (this: TidalWorld, entity: string, score: WrittenScore, signal: string) {
    const readings = await readEverywhere(this, entity, signal);
    const scores = Object.entries(readings.scores);
    this.figures[`score:${entity}/${signal}`] = scores[0]![1] ?? 'none';
    for (const [region, got] of scores) {
      expect({ region, defined: got !== undefined }).toEqual({ region, defined: true });
      expect({ region, near: Math.abs(got! - score.value) <= score.tolerance, got }).toEqual({
        region,
        near: true,
        got,
      });
      const first = scores[0]![1]!;
      expect({
        region,
        sameAsFirst: readingsAgree(got!, first, readings.tookMs, readings.halfLifeMs),
      }).toEqual({
        region,
        sameAsFirst: true,
      });
    }
  },
);
