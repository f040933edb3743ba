/** The signals a database accepts and their half-lives (DESIGN §3, Schema). */
import { InvalidInputError, UnknownSignalError } from './errors';

export interface SignalSpec {
  /** Time for a write's contribution to halve, in ms. */
  halfLifeMs: number;
}

export interface SchemaSpec {
  signals: Record<string, SignalSpec>;
}

/** An immutable, validated schema; signals have a stable index (declaration order). */
export class Schema {
  readonly names: readonly string[];
  private readonly index = new Map<string, number>();
  private readonly halfLives: number[] = [];

  constructor(spec: SchemaSpec) {
    const names = Object.keys(spec?.signals ?? {});
    if (names.length === 0) throw new InvalidInputError('schema', spec, 'declare at least one signal');
    if (names.length > 255) throw new InvalidInputError('schema', names.length, 'at most 255 signals');
    for (const name of names) {
      const h = spec.signals[name]?.halfLifeMs;
      if (typeof h !== 'number' || !Number.isFinite(h) || h <= 0) {
        throw new InvalidInputError(
          `halfLifeMs of signal ${JSON.stringify(name)}`,
          h,
          'a half-life is a positive number of ms',
        );
      }
      this.index.set(name, this.halfLives.length);
      this.halfLives.push(h);
    }
    this.names = names;
  }

  /** The index of a signal; throws `UnknownSignalError` for an undeclared one. */
  signalIndex(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new UnknownSignalError(name, this.names);
    return i;
  }

  halfLifeMs(index: number): number {
    return this.halfLives[index]!;
  }

  signalName(index: number): string {
    const name = this.names[index];
    if (name === undefined) throw new UnknownSignalError(`#${index}`, this.names);
    return name;
  }

  get size(): number {
    return this.names.length;
  }

  toSpec(): SchemaSpec {
    return { signals: Object.fromEntries(this.names.map((n, i) => [n, { halfLifeMs: this.halfLives[i]! }])) };
  }
}
