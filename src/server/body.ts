/** Checks of a request's fields: each wrong type or range is an `InvalidInputError` naming the field (400). */
import { InvalidInputError } from '../engine';

export type Body = Record<string, unknown>;

export function object(x: unknown, what: string): Body {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    throw new InvalidInputError(`${what} body`, x, 'a JSON object (see protocol.ts)');
  return x as Body;
}

export function str(b: Body, f: string): string {
  const v = b[f];
  if (typeof v !== 'string') throw new InvalidInputError(f, v, 'a string is required');
  return v;
}

export function optStr(b: Body, f: string): string | undefined {
  const v = b[f];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidInputError(f, v, 'a string (or leave it out)');
  return v;
}

export function num(b: Body, f: string): number {
  const v = b[f];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InvalidInputError(f, v, 'a finite number is required');
  return v;
}

export function optNum(b: Body, f: string): number | undefined {
  const v = b[f];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new InvalidInputError(f, v, 'a finite number (or leave it out)');
  return v;
}

export function int(b: Body, f: string, min: number): number {
  const v = b[f];
  if (!Number.isSafeInteger(v) || (v as number) < min)
    throw new InvalidInputError(f, v, `an integer ≥ ${min}`);
  return v as number;
}

export function nonNegative(b: Body, f: string): number {
  const v = num(b, f);
  if (v < 0) throw new InvalidInputError(f, v, 'a number of ms ≥ 0');
  return v;
}

export function queryStr(q: URLSearchParams, f: string): string {
  const v = q.get(f);
  if (v === null) throw new InvalidInputError(f, undefined, `the query parameter ${f} is required`);
  return v;
}
