// Unit tests for the seed attachment contract shared by the step hooks and the summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeedAttachment, replayCommand, resolveSeed, seedAttachment, SEED_MEDIA_TYPE } from './seed';

test('seed: attachment body round-trips through the parser', () => {
  const a = seedAttachment(42, 'features/replication/replication.feature', 12);
  assert.equal(a.mediaType, SEED_MEDIA_TYPE);
  assert.deepEqual(JSON.parse(a.body), {
    seed: 42,
    replay: 'TIDAL_SEED=42 npx cucumber-js features/replication/replication.feature:12',
  });
  assert.deepEqual(parseSeedAttachment(a.body), JSON.parse(a.body));
});

test('seed: a path with spaces or quotes is shell-quoted in the replay command', () => {
  assert.equal(
    replayCommand(1, "features/it's here.feature", 3),
    `TIDAL_SEED=1 npx cucumber-js 'features/it'\\''s here.feature':3`,
  );
});

test('seed: bodies off the contract are ignored, and a non-integer seed is refused', () => {
  for (const body of ['', 'nope', '[]', '{"seed":"42","replay":"x"}', '{"seed":42}'])
    assert.equal(parseSeedAttachment(body), undefined, body);
  assert.throws(() => seedAttachment(1.5, 'f.feature', 1), /not a safe integer/);
});

test('seed: one resolver: TIDAL_SEED, else the @seed-N tag, else 42; a bad TIDAL_SEED says what to set', () => {
  assert.equal(resolveSeed(['@phase-8.6', '@seed-4242'], undefined), 4242);
  assert.equal(resolveSeed(['@seed-4242'], '7'), 7);
  assert.equal(resolveSeed(['@phase-8.6'], ''), 42);
  assert.throws(() => resolveSeed([], 'forty-two'), /TIDAL_SEED=forty-two is not a non-negative integer/);
});
