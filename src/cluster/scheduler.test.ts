/**
 * The scheduler's activity count, which the lag sampler trusts to skip idle ticks: it must grow
 * with every task run and with every run of the clock, even one that runs no task (a step may
 * have changed the cluster before it, and only that run says so).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scheduler } from './scheduler';

test('scheduler: activity: grows with each task run', () => {
  const s = new Scheduler();
  s.after(10, () => undefined);
  s.after(20, () => undefined);
  const before = s.activity;
  s.runUntil(5);
  assert.equal(s.activity, before + 1, 'a run that reaches no task still counts once');
  s.runUntil(30);
  assert.equal(s.activity, before + 1 + 1 + 2, 'one run, two tasks');
});

test('scheduler: activity: stands still while nothing runs', () => {
  const s = new Scheduler();
  s.after(10, () => undefined);
  const before = s.activity;
  s.after(20, () => undefined);
  s.nextAt();
  assert.equal(s.activity, before, 'scheduling and looking ahead run nothing');
});
