/**
 * The `npx cucumber-js …` commands the README shows, and the scenarios each one selects.
 *
 * `readme-commands.test.ts` checks that every command selects at least one scenario: a command
 * whose line no longer points at a scenario, or whose tag no feature carries, runs nothing and
 * Cucumber would still exit 0. Selection is what Cucumber's own API does before it runs anything
 * (`loadConfiguration` with the project's profiles, then `loadSources`: paths, `file:line`, tags,
 * names), so nothing runs and nothing is written under reports/.
 *
 *   node -r ts-node/register scripts/readme-commands.ts [README.md]   prints each command's count
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfiguration, loadSources, type IRunEnvironment } from '@cucumber/cucumber/api';

export interface ReadmeCommand {
  /** 1-based line of the README it is on. */
  line: number;
  /** As written, from `npx` (or its environment assignments) on. */
  text: string;
  /** `NAME=value` assignments before `npx`. */
  env: Record<string, string>;
  /** The arguments after `cucumber-js`. */
  args: string[];
}

/** Words of a simple shell command line: spaces split, '…' and "…" quote, \ escapes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i]!;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i]!;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

const COMMAND = /(?:\b[A-Z][A-Z0-9_]*=\S+\s+)*npx cucumber-js\b[^`#\n]*/g;

/**
 * Every `npx cucumber-js …` command in a Markdown text, in code blocks or inline code: from its
 * environment assignments to the end of the line, a closing backtick or a shell comment.
 */
export function cucumberCommands(markdown: string): ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  markdown.split('\n').forEach((text, i) => {
    for (const match of text.matchAll(COMMAND)) {
      const words = shellWords(match[0].trim());
      const env: Record<string, string> = {};
      while (/^[A-Z][A-Z0-9_]*=/.test(words[0] ?? '')) {
        const [name, ...value] = words.shift()!.split('=');
        env[name!] = value.join('=');
      }
      commands.push({ line: i + 1, text: match[0].trim(), env, args: words.slice(2) });
    }
  });
  return commands;
}

/** The profiles a command line names (`--profile x`, `-p x`, `--profile=x`). */
export function profilesOf(args: readonly string[]): string[] {
  const profiles: string[] = [];
  args.forEach((arg, i) => {
    if ((arg === '--profile' || arg === '-p') && args[i + 1]) profiles.push(args[i + 1]!);
    else if (arg.startsWith('--profile=')) profiles.push(arg.slice('--profile='.length));
  });
  return profiles;
}

export interface Selected {
  /** `features/x.feature:12  name` of each scenario (each example row) selected. */
  scenarios: string[];
  /** Parse errors of the feature files read. */
  errors: string[];
}

/**
 * The scenarios `cucumber-js <args>` would run, from the project's configuration file and
 * profiles, without running them. The configuration file reads the command line (a command that
 * names the demo failure drops the profiles' exclusion of it), so it is loaded afresh with
 * `process.argv` set to this command, as the command would set it.
 */
export async function selectedScenarios(args: readonly string[], cwd: string): Promise<Selected> {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const environment: IRunEnvironment = { cwd, stdout: quiet, stderr: quiet };
  const configFile = path.join(cwd, 'cucumber.js');
  const argv = process.argv;
  process.argv = [argv[0]!, path.join(cwd, 'node_modules/.bin/cucumber-js'), ...args];
  delete require.cache[require.resolve(configFile)];
  try {
    const { runConfiguration } = await loadConfiguration(
      { profiles: profilesOf(args), provided: [...args] },
      environment,
    );
    const { plan, errors } = await loadSources(runConfiguration.sources, environment);
    return {
      scenarios: plan.map((p) => `${p.uri}:${p.location.line}  ${p.name}`),
      errors: errors.map((e) => `${e.uri}: ${e.message}`),
    };
  } finally {
    process.argv = argv;
    delete require.cache[require.resolve(configFile)];
  }
}

/** Lines of a feature file's scenarios and example rows, for the message of a missed line. */
export function scenarioLines(featureText: string): number[] {
  const lines: number[] = [];
  let rows: 'none' | 'header' | 'examples' = 'none'; // where an Examples table's rows are
  featureText.split('\n').forEach((text, i) => {
    const t = text.trim();
    if (/^(Scenario|Scenario Outline|Scenario Template|Example):/.test(t)) {
      lines.push(i + 1);
      rows = 'none';
    } else if (/^(Examples|Scenarios):/.test(t)) {
      lines.push(i + 1);
      rows = 'header';
    } else if (/^(Rule|Background|Feature):/.test(t)) {
      rows = 'none';
    } else if (rows !== 'none' && t.startsWith('|')) {
      if (rows === 'examples') lines.push(i + 1); // the header row selects nothing
      rows = 'examples';
    }
  });
  return lines;
}

async function main(): Promise<void> {
  const cwd = path.resolve(__dirname, '..');
  const readme = process.argv[2] ?? path.join(cwd, 'README.md');
  for (const command of cucumberCommands(readFileSync(readme, 'utf8'))) {
    const { scenarios, errors } = await selectedScenarios(command.args, cwd);
    process.stdout.write(`README.md:${command.line}  ${scenarios.length} scenario(s)  ${command.text}\n`);
    for (const e of errors) process.stdout.write(`  parse error: ${e}\n`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  });
}
