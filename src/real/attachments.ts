/**
 * What a real run attaches to a failed scenario's report: each node's structured log (pino,
 * NDJSON) and its stdout/stderr, the firewall rules after every change (`iptables -S TIDAL`),
 * every spawn, signal and exit with its pid, what each restart's recovery found, and the
 * shards' leadership records in etcd. Logs are cut to their last 512 KiB.
 */
import * as fs from 'node:fs';
import type { RecoveryReport } from '../engine';
import type { ExtraAttachment } from '../cluster';
import type { ShardRecord } from '../server/protocol';
import type { Firewall } from './firewall';
import type { Supervisor } from './supervisor';

const MAX_LOG_BYTES = 512 * 1024;

export interface RestartRecord {
  region: string;
  pid: number | undefined;
  atMs: number;
  report: RecoveryReport;
}

export interface AttachmentSources {
  regions: readonly string[];
  supervisor: Supervisor;
  firewall: Firewall;
  restarts: readonly RestartRecord[];
  time: { startWallMs: number };
}

function tail(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    if (st.size <= MAX_LOG_BYTES) return fs.readFileSync(file, 'utf8');
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(MAX_LOG_BYTES);
      fs.readSync(fd, buf, 0, MAX_LOG_BYTES, st.size - MAX_LOG_BYTES);
      const text = buf.toString('utf8');
      return `… (first ${st.size - MAX_LOG_BYTES} bytes cut)\n${text.slice(text.indexOf('\n') + 1)}`;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

export function collectAttachments(
  src: AttachmentSources,
  records: readonly ShardRecord[],
): ExtraAttachment[] {
  const out: ExtraAttachment[] = [];
  for (const region of src.regions) {
    const spec = src.supervisor.process(region).spec;
    const log = tail(spec.logFile);
    if (log) out.push({ name: `node-${region}.log.ndjson`, mediaType: 'application/x-ndjson', body: log });
    const stdout = tail(spec.outFile);
    if (stdout) out.push({ name: `node-${region}.out.txt`, mediaType: 'text/plain', body: stdout });
  }
  const rules = src.firewall.changes
    .map((c) => `# ${new Date(c.atMs).toISOString()} ${c.what}\n${c.rules || '(chain empty)'}`)
    .join('\n\n');
  out.push({
    name: 'firewall-rules.txt',
    mediaType: 'text/plain',
    body: rules || '# no firewall rule was added in this scenario',
  });
  const processes = Object.fromEntries(
    src.regions.map((r) => {
      const p = src.supervisor.process(r);
      return [r, { pids: p.pids, events: p.events }];
    }),
  );
  out.push({
    name: 'processes.json',
    mediaType: 'application/json',
    body: JSON.stringify(
      { startedAtMs: src.time.startWallMs, processes, restarts: src.restarts, leadership: records },
      null,
      2,
    ),
  });
  return out;
}
