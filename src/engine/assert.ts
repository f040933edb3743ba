/** Invariant assertions: a broken invariant of our own stops the run, with what was seen. */

export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
}

export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantViolation(typeof message === 'string' ? message : message());
}
