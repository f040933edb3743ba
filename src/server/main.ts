/**
 * `tidal-node --region R --config FILE [--log FILE]`: one region's node. Exit status: 0 after
 * SIGTERM/SIGINT, 2 for a bad command line or deployment file, 1 for anything else.
 */
import type { Logger } from 'pino';
import { parseArgs } from './args';
import { loadConfig } from './config';
import { ArgumentError, ConfigError, USAGE } from './errors';
import { makeLogger } from './log';
import { TidalNode } from './node';

/** How long a SIGTERM may take before the process exits anyway. */
const STOP_BOUND_MS = 1_500;

async function main(): Promise<void> {
  let log: Logger | undefined;
  try {
    if (process.argv.includes('--help')) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const args = parseArgs(process.argv.slice(2));
    const config = loadConfig(args.config, args.region);
    log = makeLogger(args.region, args.log);
    const logger = log;
    process.on('uncaughtException', (err) => fatal(logger, err, 'uncaught exception'));
    process.on('unhandledRejection', (err) => fatal(logger, err as Error, 'unhandled rejection'));
    const running: { node?: TidalNode } = {};
    const stop = (signal: string): void => {
      logger.info({ signal, started: running.node !== undefined }, 'stopping');
      setTimeout(() => {
        logger.warn({ boundMs: STOP_BOUND_MS }, 'stop took too long; exiting');
        process.exit(0);
      }, STOP_BOUND_MS).unref();
      // Still starting (waiting for etcd, say): every WAL append is already fsynced; just go.
      if (!running.node) process.exit(0);
      running.node.stop().then(
        () => process.exit(0),
        (err: Error) => fatal(logger, err, 'stop failed'),
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    running.node = await TidalNode.start(config, args.region, log);
  } catch (err) {
    const e = err as Error;
    if (e instanceof ArgumentError || e instanceof ConfigError) {
      process.stderr.write(`tidal-node: ${e.name}: ${e.message}\n`);
      process.exit(2);
    }
    if (log) fatal(log, e, 'tidal-node failed to start');
    process.stderr.write(`tidal-node: ${e.stack ?? e.message}\n`);
    process.exit(1);
  }
}

function fatal(log: Logger, err: Error, msg: string): never {
  log.fatal({ err }, msg);
  process.stderr.write(`tidal-node: ${msg}: ${err.stack ?? err.message}\n`);
  process.exit(1);
}

void main();
