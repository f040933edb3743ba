/**
 * The firewall of real mode: rules only between 127.0.0.x region addresses, only inside the
 * run's own network namespace, and a heal removes exactly what was added. The live part runs a
 * probe inside `unshare --net` (root); without it, that part reports itself skipped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { Firewall, ruleSpec } from './firewall';
import { whyNotPrivateNetns } from './netns';
import { inPrivateNetns, INSTALL_HINT, missingPrerequisites } from './prerequisites';

test('firewall: a rule names two loopback region addresses, all packets or a share', () => {
  assert.deepEqual(ruleSpec({ from: '127.0.0.2', to: '127.0.0.3', probability: 1 }), [
    '-s',
    '127.0.0.2/32',
    '-d',
    '127.0.0.3/32',
    '-j',
    'DROP',
  ]);
  assert.deepEqual(ruleSpec({ from: '127.0.0.2', to: '127.0.0.3', probability: 0.2 }).slice(4, 10), [
    '-m',
    'statistic',
    '--mode',
    'random',
    '--probability',
    '0.2',
  ]);
  for (const bad of ['10.0.0.1', '127.0.0.1', '127.0.1.2', '0.0.0.0', '127.0.0.255'])
    assert.throws(() => ruleSpec({ from: bad, to: '127.0.0.3', probability: 1 }), /only 127\.0\.0\.2/);
  assert.throws(() => ruleSpec({ from: '127.0.0.2', to: '127.0.0.3', probability: 0 }), /probability/);
});

test('firewall: refuses to touch iptables outside the namespace the runner made', () => {
  assert.match(whyNotPrivateNetns({}) ?? '', /not set/);
  const own = whyNotPrivateNetns({ TIDAL_NETNS: 'net:[1]', TIDAL_ROOT_NETNS: 'net:[2]' });
  assert.match(own ?? '', /not in the run's namespace/);
  const calls: string[][] = [];
  const fw = new Firewall((args) => {
    calls.push(args);
    return '';
  });
  assert.throws(
    () => fw.add({ from: '127.0.0.2', to: '127.0.0.3', probability: 1 }, 'cut'),
    /private network namespace/,
  );
  assert.deepEqual(calls, [], 'no iptables command ran');
});

test('firewall: inside a network namespace, cut both ways, one way, heal exactly, drop at random', (t) => {
  const missing = missingPrerequisites().filter((m) => /namespace|iptables/.test(m));
  if (missing.length) return t.skip(`${missing.join('; ')}; ${INSTALL_HINT}`);
  const probe = path.join(__dirname, 'testing', 'firewall-probe.ts');
  const cmd = inPrivateNetns([process.execPath, '-r', 'ts-node/register', probe]);
  const env = { ...cmd.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(cmd.file, cmd.args, {
    env,
    encoding: 'utf8',
    timeout: 60_000,
    cwd: path.resolve(__dirname, '../..'),
  });
  assert.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<
    string,
    Record<string, boolean> | string | number
  >;
  assert.deepEqual(seen.open, { a2b: true, b2a: true, client: true });
  assert.deepEqual(
    seen.partitioned,
    { a2b: false, b2a: false, client: true },
    'the harness (127.0.0.1) is never cut',
  );
  // A one-way cut a→b also stops new connections b→a: their SYN-ACK is the dropped direction.
  assert.deepEqual(seen.oneWay, { a2b: false, b2a: false, client: true });
  assert.deepEqual(seen.healed, { a2b: true, b2a: true, client: true });
  assert.match(
    String(seen.rulesPartitioned),
    /-A TIDAL -s 127\.0\.0\.2\/32 -d 127\.0\.0\.3\/32 -j DROP\n-A TIDAL -s 127\.0\.0\.3\/32 -d 127\.0\.0\.2\/32 -j DROP/,
  );
  assert.equal(String(seen.rulesHealed), '-N TIDAL');
  assert.match(String(seen.rulesLoss), /-m statistic --mode random --probability 0\.25/);
});
