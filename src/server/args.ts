/** The command line of `tidal-node`: `--region R --config FILE [--log FILE]`. */
import { ArgumentError } from './errors';

export interface NodeArgs {
  region: string;
  config: string;
  /** Where the JSON log lines go; default: stdout. */
  log: string | undefined;
}

const OPTIONS = new Set(['--region', '--config', '--log']);

/** Parses `argv` (without node and the script); throws `ArgumentError` on anything unexpected. */
export function parseArgs(argv: readonly string[]): NodeArgs {
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!OPTIONS.has(name)) throw new ArgumentError(`unknown argument ${JSON.stringify(arg)}`);
    if (seen.has(name)) throw new ArgumentError(`${name} given twice`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '' || value.startsWith('--'))
      throw new ArgumentError(`${name} needs a value`);
    seen.set(name, value);
  }
  const region = seen.get('--region');
  const config = seen.get('--config');
  if (region === undefined) throw new ArgumentError('--region is required');
  if (config === undefined) throw new ArgumentError('--config is required');
  return { region, config, log: seen.get('--log') };
}
