import assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureFacts, formatText, measure, type FeatureFacts } from './spec-metrics';

const PRODUCT = `@phase-8.6 @sessions
Feature: A session reads its own writes
  Background:
    Given a cluster of 3 regions

  Scenario: outside a Rule
    # a comment naming an epoch is no code word
    When a client writes a click
    Then the client got a StaleReadError

  @tenants
  Rule: A session reads its own write wherever it reads
    Background:
      Given a session at eu-west

    @smoke
    Example: one action
      When the session writes a click
      Then the session reads 1 click

    Example: two actions, the second an And
      When the session writes a click
      And the session moves to ap-south
      Then the session reads 1 click
      When 1 s passes
      Then the session reads 1 click

  Rule: A write is counted once
    Scenario Outline: <n> writes
      Given the leader's epoch is 2
      When a client writes <n> clicks
      Then every region holds <n> writes

      Examples:
        | n |
        | 1 |
        | 2 |
`;

const TECHNICAL = `@technical @harness @wire-format
Feature: Batches
  Scenario: a batch's epoch
    When a batch is sent
    And a batch is sent
    Then its events are applied
`;

function facts(): FeatureFacts[] {
  return [featureFacts('p.feature', PRODUCT)!, featureFacts('t.feature', TECHNICAL)!];
}

test('spec metrics: counts features, Rules, scenarios and examples apart for product and technical', () => {
  const m = measure(facts());
  assert.deepEqual(
    [m.product.features, m.product.rules, m.product.scenarios, m.product.outlines, m.product.examples],
    [1, 2, 4, 1, 5],
  );
  assert.deepEqual([m.technical.features, m.technical.scenarios, m.technical.examples], [1, 1, 1]);
});

test('spec metrics: actions are When steps and the And/But after a When before a Then', () => {
  const m = measure(facts());
  assert.deepEqual(
    m.product.moreThanOneAction.map((s) => [s.line, s.actions]),
    [[21, 3]],
  );
  assert.deepEqual(
    m.technical.moreThanOneAction.map((s) => s.actions),
    [2],
  );
});

test('spec metrics: the longest scenario counts the Backgrounds of its Feature and Rule', () => {
  const m = measure(facts());
  assert.equal(m.product.longest?.line, 21);
  assert.equal(m.product.longest?.steps, 7);
});

test('spec metrics: code words only in product features, comments aside, with file:line', () => {
  const m = measure(facts());
  assert.deepEqual(
    m.codeWords.map((h) => `${h.file}:${h.line} ${h.word}`),
    ['p.feature:9 …Error', 'p.feature:30 epoch'],
  );
});

test('spec metrics: promises are covered by Rules, tags inherited from the Feature', () => {
  const m = measure(facts());
  const rulesOf = (p: string): string[] => m.promises.find((x) => x.promise === p)!.rules.map((r) => r.name);
  assert.deepEqual(rulesOf('sessions'), [
    'A session reads its own write wherever it reads',
    'A write is counted once',
  ]);
  assert.deepEqual(rulesOf('tenants'), ['A session reads its own write wherever it reads']);
  assert.deepEqual(rulesOf('wire-format'), []);
  assert.deepEqual(m.promises.find((x) => x.promise === 'wire-format')!.featuresWithoutRules, ['t.feature']);
});

test('spec metrics: @smoke examples per capability, and the product goals', () => {
  const m = measure(facts());
  assert.deepEqual(
    m.smoke.find((s) => s.capability === 'sessions')!.examples.map((e) => e.line),
    [17],
  );
  assert.equal(m.smoke.find((s) => s.capability === 'harness')!.examples.length, 0);
  assert.deepEqual(
    m.goals.map((g) => [g.met, g.missed]),
    [
      [false, 1],
      [false, 2],
      [false, 12],
      [false, 1],
    ],
  );
  assert.equal(m.product.outsideRule[0]?.name, 'outside a Rule');
  assert.match(formatText(m), /MISSED {2}every product scenario under a Rule \(1\)/);
});
