/**
 * Every `npx cucumber-js …` command the README shows selects at least one scenario (Cucumber
 * exits 0 on a command that selects none, so a stale line or tag would go unnoticed), and the
 * parser under that check reads commands as a shell would.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  cucumberCommands,
  profilesOf,
  scenarioLines,
  selectedScenarios,
  shellWords,
} from './readme-commands';

const ROOT = path.resolve(__dirname, '..');

test('readme commands: every npx cucumber-js command in README.md selects at least one scenario', async () => {
  const commands = cucumberCommands(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  assert.ok(commands.length >= 5, `expected the README's cucumber-js examples, found ${commands.length}`);
  const misses: string[] = [];
  for (const command of commands) {
    const { scenarios, errors } = await selectedScenarios(command.args, ROOT);
    if (errors.length > 0) misses.push(`README.md:${command.line} \`${command.text}\`: ${errors.join('; ')}`);
    if (scenarios.length > 0) continue;
    const hints = command.args
      .map((arg) => /^(.+\.feature):\d+$/.exec(arg)?.[1])
      .filter((file): file is string => file !== undefined)
      .map((file) => {
        const lines = scenarioLines(readFileSync(path.join(ROOT, file), 'utf8'));
        return ` (${file}: its scenarios and example rows are on lines ${lines.join(', ')})`;
      });
    misses.push(`README.md:${command.line} \`${command.text}\` selects no scenario${hints.join('')}`);
  }
  assert.deepEqual(misses, []);
});

test('readme commands: commands are found in code blocks and inline code, with their environment', () => {
  const md = [
    '```sh',
    'npx cucumber-js features/a.feature:12   # one scenario',
    'TIDAL_SEED=7 npx cucumber-js --profile ci',
    '```',
    'Run `npx cucumber-js --tags @demo-failure` to see one; `npm run uat` is no cucumber-js command.',
  ].join('\n');
  assert.deepEqual(
    cucumberCommands(md).map(({ line, env, args }) => ({ line, env, args })),
    [
      { line: 2, env: {}, args: ['features/a.feature:12'] },
      { line: 3, env: { TIDAL_SEED: '7' }, args: ['--profile', 'ci'] },
      { line: 5, env: {}, args: ['--tags', '@demo-failure'] },
    ],
  );
});

test('readme commands: shell words and profiles', () => {
  assert.deepEqual(shellWords(`--tags '@a and not @b' --name "x \\"y\\"" a\\ b`), [
    '--tags',
    '@a and not @b',
    '--name',
    'x "y"',
    'a b',
  ]);
  assert.throws(() => shellWords("--tags '@a"), /unterminated/);
  assert.deepEqual(profilesOf(['-p', 'smoke', '--profile', 'ci', '--profile=x', 'features']), [
    'smoke',
    'ci',
    'x',
  ]);
});

test('readme commands: a line that points at a step selects nothing, and the hint lists the right lines', async () => {
  const file = 'features/demo/demo-failure.feature';
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const lines = scenarioLines(text);
  const scenarioLine = lines[0]!;
  const stepLine = text.split('\n').findIndex((l) => /^\s*(Given|When|Then) /.test(l)) + 1;
  assert.ok(stepLine > scenarioLine);
  assert.equal((await selectedScenarios([`${file}:${scenarioLine}`], ROOT)).scenarios.length, 1);
  assert.equal((await selectedScenarios([`${file}:${stepLine}`], ROOT)).scenarios.length, 0);
  assert.deepEqual(
    scenarioLines(
      ['Feature: f', '  Scenario Outline: o', '    Examples:', '      | a |', '      | 1 |'].join('\n'),
    ),
    [2, 3, 5],
  );
});
