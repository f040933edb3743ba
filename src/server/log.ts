/** The node's log: pino JSON lines to stdout or to `--log FILE`, written synchronously so a SIGKILL loses none. */
import pino, { type Logger } from 'pino';

export function makeLogger(region: string, file: string | undefined): Logger {
  const dest = pino.destination({ dest: file ?? 1, sync: true, mkdir: true, append: true });
  return pino({ base: { region, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}
