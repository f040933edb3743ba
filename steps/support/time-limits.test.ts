/**
 * Time limits per mode: a real-time bound is exact in the simulator and gets the stated tolerance
 * against real processes, and a failure judged within it says which bound and tolerance applied.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expect } from 'expect';
import { judgedWithin, REAL_TIME_TOLERANCE_MS, STEP_TIMEOUT_MS, timeBound } from './time-limits';

void test("time limits: the simulator keeps a bound exact and Cucumber's 5 s step limit", () => {
  assert.deepEqual(timeBound('simulated', 100), {
    statedMs: 100,
    toleranceMs: 0,
    allowedMs: 100,
    text: 'within 100 ms (exact: simulated time)',
  });
  assert.equal(STEP_TIMEOUT_MS.simulated, 5_000);
});

void test('time limits: against real processes a bound gets REAL_TIME_TOLERANCE_MS, and says so', () => {
  const bound = timeBound('real', 100);
  assert.equal(bound.allowedMs, 100 + REAL_TIME_TOLERANCE_MS);
  assert.match(
    bound.text,
    new RegExp(`within 100 ms \\(\\+ ${REAL_TIME_TOLERANCE_MS} ms real-time tolerance`),
  );
  assert.ok(STEP_TIMEOUT_MS.real > 60_000, 'longer than the end-of-scenario check may converge');
});

void test('time limits: a failure judged within a bound names the bound and tolerance, in message and stack', async () => {
  const bound = timeBound('real', 100);
  const err = await judgedWithin(bound, () =>
    expect({ acknowledged: 3 }).toMatchObject({ acknowledged: 4 }),
  ).then(
    () => assert.fail('the check passed'),
    (e: Error) => e,
  );
  assert.ok(err.message.startsWith(`${bound.text}: `), err.message);
  assert.ok(err.stack!.includes(bound.text), err.stack);
  assert.equal(await judgedWithin(bound, () => 7), 7);
});
