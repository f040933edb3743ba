/**
 * The per-scenario structured log: pino writing NDJSON into an in-memory buffer that the
 * scenario attaches to the report, and optionally (TIDAL_LOG=pretty) to the console through
 * pino-pretty. Logs are byte-identical across runs with the same seed: no pid, no hostname,
 * no wall-clock time; the only timestamp is the simulator's virtual time, field `vt` (ms).
 * Everything is synchronous (no worker thread, no transport), so a log line is in the buffer
 * the moment the call returns, and the buffer is complete when the scenario ends.
 */
import pino from 'pino';
import pinoPretty from 'pino-pretty';

/** Levels a caller may set through `level` or TIDAL_LOG_LEVEL. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Bound on the captured log of one scenario: 4 MiB; later lines are counted, not kept. */
export const MAX_CAPTURED_BYTES = 4 * 1024 * 1024;

export interface ScenarioLoggerOptions {
  /** Virtual time in ms (the cluster's clock); written as `vt` on every line. */
  now: () => number;
  /** Default: env TIDAL_LOG_LEVEL, else 'info'. */
  level?: string;
  /** Also print readable lines on stderr. Default: env TIDAL_LOG === 'pretty'. */
  pretty?: boolean;
  /** Default: MAX_CAPTURED_BYTES. */
  maxCapturedBytes?: number;
}

export interface ScenarioLogger {
  logger: pino.Logger;
  /** The captured log so far, one JSON object per line. */
  ndjson(): string;
}

/** A pino logger for one scenario whose NDJSON is kept for the report. */
export function createScenarioLogger(opts: ScenarioLoggerOptions): ScenarioLogger {
  const level = resolveLevel(opts.level ?? process.env.TIDAL_LOG_LEVEL);
  const pretty = opts.pretty ?? process.env.TIDAL_LOG === 'pretty';
  const capture = new CaptureStream(opts.maxCapturedBytes ?? MAX_CAPTURED_BYTES);
  const streamLevel: pino.Level = level === 'silent' ? 'fatal' : level; // the logger itself filters 'silent'
  const streams: pino.StreamEntry[] = [{ level: streamLevel, stream: capture }];
  if (pretty) streams.push({ level: streamLevel, stream: prettyConsole() });
  const logger = pino(
    {
      level,
      base: undefined, // no pid, no hostname: they differ between runs
      timestamp: () => `,"vt":${JSON.stringify(opts.now())}`,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.multistream(streams),
  );
  return { logger, ndjson: () => capture.text() };
}

function resolveLevel(raw: string | undefined): LogLevel {
  const level = (raw ?? '').trim().toLowerCase() || 'info';
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new Error(
    `Log level "${raw}" is not one of ${LOG_LEVELS.join(', ')}; set TIDAL_LOG_LEVEL to one of them.`,
  );
}

/** Readable lines on stderr, so a formatter writing to stdout is never interleaved with logs. */
function prettyConsole(): pino.DestinationStream {
  return pinoPretty({
    sync: true,
    destination: 2,
    timestampKey: 'vt',
    translateTime: false,
    colorize: process.stderr.isTTY === true,
  });
}

/** Synchronous in-memory sink, bounded: lines past the limit are dropped and counted. */
class CaptureStream implements pino.DestinationStream {
  private readonly lines: string[] = [];
  private sizeBytes = 0;
  private droppedLines = 0;

  constructor(private readonly maxBytes: number) {}

  write(line: string): void {
    const lineBytes = Buffer.byteLength(line);
    if (this.sizeBytes + lineBytes > this.maxBytes) {
      this.droppedLines += 1;
      return;
    }
    this.lines.push(line);
    this.sizeBytes += lineBytes;
  }

  text(): string {
    const kept = this.lines.join('');
    if (this.droppedLines === 0) return kept;
    const note = {
      level: 'warn',
      msg: `log truncated at ${this.maxBytes} bytes: ${this.droppedLines} lines dropped`,
    };
    return `${kept}${JSON.stringify(note)}\n`;
  }
}
