/**
 * The real-processes run leaves out exactly what needs the simulator: every scenario the `real`
 * profile selects uses only step definitions that drive the `Cluster` interface (none looks inside
 * the simulator or sets a network fault real links cannot have), so a @simulator-only tag cannot be
 * forgotten; and at least 60% of the product scenarios run in both modes (issue 15's goal).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { loadConfiguration } from '@cucumber/cucumber/api';
import { modeCounts, needingTheSimulator, selectedByProfiles, type SelectedScenario } from './real-selection';

const ROOT = path.resolve(__dirname, '..');

const selected = selectedByProfiles(['ci', 'real'], ROOT);

async function profile(name: string): Promise<SelectedScenario[]> {
  return (await selected).get(name)!;
}

test('real selection: no scenario the real profile runs uses a step that needs the simulator', async () => {
  const real = await profile('real');
  assert.ok(real.length > 0, 'the real profile selects no scenario');
  assert.deepEqual(needingTheSimulator(real), []);
  assert.deepEqual(
    real
      .filter((s) => s.tags.includes('@simulator-only') || s.tags.includes('@demo-failure'))
      .map((s) => s.key),
    [],
  );
});

test('real selection: the check sees a step that needs the simulator, also through a helper', async () => {
  const uses = (await profile('ci')).flatMap((s) => s.steps);
  const needs = (text: string): string[] => {
    const use = uses.find((u) => u.text === text);
    assert.ok(use, `no scenario uses the step "${text}"`);
    return use.needs;
  };
  // this.sim in the step itself; world.sim in a helper of its file (badBatch); a message-level fault.
  assert.match(needs('the cluster has 2 replicas').join(), /this\.sim/);
  assert.match(needs('eu-west receives a bad batch from its leader: "one byte flipped"').join(), /this\.sim/);
  assert.match(
    needs('the link from us-east to eu-west delivers every message twice').join(),
    /network fault/,
  );
  // Product steps that read through the Cluster interface, with a deeper look only in the simulator.
  assert.deepEqual(needs('every region holds 400 writes'), []);
  assert.deepEqual(needs('no region changed'), []);
  assert.deepEqual(needs('every entity scores the same in every region'), []);
});

test('real selection: the real-mode smoke (@real-smoke) is one partition, crash/restart, failover and clock-skew scenario, each in the real run', async () => {
  const smoke = (await profile('real')).filter((s) => s.tags.includes('@real-smoke'));
  assert.deepEqual(smoke.map((s) => s.key.replace(/:\d+$/, '')).sort(), [
    'features/clocks/clock-skew.feature',
    'features/failover/leader-acks.feature',
    'features/partitions/partitions.feature',
    'features/recovery/crash-restart.feature',
  ]);
  const everywhere = (await profile('ci')).filter((s) => s.tags.includes('@real-smoke'));
  assert.deepEqual(
    everywhere.map((s) => s.key),
    smoke.map((s) => s.key),
    'no @real-smoke scenario is left out of the real run',
  );
});

test('real selection: at least 60% of the product scenarios run in both modes', async (t) => {
  const simulated = await profile('ci');
  const real = await profile('real');
  const c = modeCounts(simulated, real);
  t.diagnostic(
    `simulated: ${c.simulated.scenarios} scenarios (${c.simulated.product} product); ` +
      `real processes: ${c.real.scenarios} scenarios (${c.real.product} product); ` +
      `product scenarios in both modes: ${(100 * c.ratio).toFixed(1)}%`,
  );
  assert.ok(c.simulated.product > 0);
  // Every scenario of the real run also runs in the simulator.
  const keys = new Set(simulated.map((s) => s.key));
  assert.deepEqual(
    real.filter((s) => !keys.has(s.key)).map((s) => s.key),
    [],
  );
  assert.ok(c.ratio >= 0.6, `only ${(100 * c.ratio).toFixed(1)}% of the product scenarios run in both modes`);
});

test('real selection: the real profile sets the world parameter mode, the others leave the default', async () => {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const environment = { cwd: ROOT, stdout: quiet, stderr: quiet };
  const parameters = async (name: string): Promise<unknown> =>
    (await loadConfiguration({ profiles: [name] }, environment)).runConfiguration.runtime.worldParameters;
  assert.deepEqual(await parameters('real'), { mode: 'real' });
  assert.deepEqual(await parameters('ci'), {});
});
