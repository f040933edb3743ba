// Unit tests for the per-scenario logger: deterministic NDJSON, virtual time, levels, bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScenarioLogger } from './logger';

function runOnce(): string {
  let nowMs = 0;
  const { logger, ndjson } = createScenarioLogger({ now: () => nowMs, level: 'debug', pretty: false });
  logger.info({ region: 'eu-west', shard: 0 }, 'partition injected');
  nowMs = 1500;
  logger.debug({ lagEvents: 3 }, 'follower behind');
  logger.child({ component: 'shipper' }).warn('resend from 4');
  return ndjson();
}

test('logger: same calls give byte-identical NDJSON', () => {
  assert.equal(runOnce(), runOnce());
});

test('logger: lines carry virtual time, a level label, and no pid, hostname or wall time', () => {
  const lines = runOnce()
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 3);
  assert.deepEqual(lines[0], {
    level: 'info',
    vt: 0,
    region: 'eu-west',
    shard: 0,
    msg: 'partition injected',
  });
  assert.equal(lines[1].vt, 1500);
  assert.equal(lines[2].component, 'shipper');
  for (const line of lines) {
    for (const key of ['pid', 'hostname', 'time']) assert.ok(!(key in line), `unexpected ${key}`);
  }
});

test('logger: level filters lines and comes from TIDAL_LOG_LEVEL by default', () => {
  const saved = process.env.TIDAL_LOG_LEVEL;
  process.env.TIDAL_LOG_LEVEL = 'warn';
  try {
    const { logger, ndjson } = createScenarioLogger({ now: () => 0, pretty: false });
    logger.info('hidden');
    logger.warn('shown');
    assert.deepEqual(
      ndjson()
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).msg),
      ['shown'],
    );
  } finally {
    if (saved === undefined) delete process.env.TIDAL_LOG_LEVEL;
    else process.env.TIDAL_LOG_LEVEL = saved;
  }
});

test('logger: an unknown level is an error that names the allowed ones', () => {
  assert.throws(
    () => createScenarioLogger({ now: () => 0, level: 'loud' }),
    /"loud" is not one of trace, debug, info, warn, error, fatal, silent; set TIDAL_LOG_LEVEL/,
  );
});

test('logger: capture is bounded and says how many lines it dropped', () => {
  const { logger, ndjson } = createScenarioLogger({ now: () => 0, pretty: false, maxCapturedBytes: 200 });
  for (let i = 0; i < 20; i += 1) logger.info({ i }, 'line');
  const lines = ndjson().trimEnd().split('\n');
  assert.ok(Buffer.byteLength(lines.slice(0, -1).join('\n')) <= 200);
  assert.match(lines[lines.length - 1], /log truncated at 200 bytes: \d+ lines dropped/);
});

test('logger: an embedded <script> stays an escaped JSON string', () => {
  const { logger, ndjson } = createScenarioLogger({ now: () => 0, pretty: false });
  logger.info({ entity: '<script>alert(1)</script>' }, 'write "quoted"');
  const line = JSON.parse(ndjson()) as { entity: string; msg: string };
  assert.equal(line.entity, '<script>alert(1)</script>');
  assert.equal(line.msg, 'write "quoted"');
});

test('logger: level silent captures nothing', () => {
  const { logger, ndjson } = createScenarioLogger({ now: () => 0, level: 'silent', pretty: false });
  logger.fatal('not even this');
  assert.equal(ndjson(), '');
});
