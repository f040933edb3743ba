/**
 * NodeProcess: one `tidal-node` child for one region — spawned under libfaketime with its own
 * log file, SIGKILLed to crash it, SIGTERMed (then SIGKILLed after a bound) to stop it, spawned
 * again on the same data dir to restart it. It knows nothing of HTTP: readiness is the
 * supervisor's question.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { ClockFile } from './faketime';
import { sleep } from './wait';

/** How long SIGTERM may take before SIGKILL. Default: 5 s. */
export const STOP_TIMEOUT_MS = 5_000;

export interface NodeSpawnSpec {
  region: string;
  /** The executable (tidal-node, or another implementation of docs/driver.md). */
  bin: string;
  configFile: string;
  /** The node's structured log (`--log`). */
  logFile: string;
  /** Its stdout and stderr, appended across restarts. */
  outFile: string;
  clock: ClockFile;
  /** Extra environment (the run's marker for the leftover check). */
  env?: Record<string, string>;
}

export interface ProcessEvent {
  atMs: number;
  event: 'spawned' | 'exited' | 'sigkill' | 'sigterm';
  pid: number | undefined;
  detail?: string;
}

export class NodeProcess {
  private child: ChildProcess | undefined;
  private exitedAt: number | undefined;
  /** Every spawn, signal and exit, for the report. */
  readonly events: ProcessEvent[] = [];
  /** Pids of every incarnation, in order. */
  readonly pids: number[] = [];

  constructor(readonly spec: NodeSpawnSpec) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitedAt === undefined;
  }

  /** Spawns the node (refuses when one is already running). */
  start(): void {
    if (this.running) throw new Error(`tidal-node of ${this.spec.region} already runs (pid ${this.pid})`);
    const s = this.spec;
    const out = fs.openSync(s.outFile, 'a');
    try {
      const child = spawn(s.bin, ['--region', s.region, '--config', s.configFile, '--log', s.logFile], {
        stdio: ['ignore', out, out],
        env: { ...process.env, ...s.clock.env(), ...s.env },
      });
      this.child = child;
      this.exitedAt = undefined;
      // A node must not keep the run alive: a cluster abandoned by a timed-out step is killed at exit.
      child.unref();
      child.once('exit', (code, signal) => {
        this.exitedAt = Date.now();
        this.events.push({
          atMs: Date.now(),
          event: 'exited',
          pid: child.pid,
          detail: `code ${code} signal ${signal}`,
        });
      });
      child.once('error', (err) => {
        this.exitedAt ??= Date.now();
        this.events.push({ atMs: Date.now(), event: 'exited', pid: child.pid, detail: err.message });
      });
      if (child.pid !== undefined) this.pids.push(child.pid);
      this.events.push({ atMs: Date.now(), event: 'spawned', pid: child.pid });
    } finally {
      fs.closeSync(out);
    }
  }

  /** SIGKILL: a crash. Resolves once the process is gone (bounded). */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.events.push({ atMs: Date.now(), event: 'sigkill', pid: this.child?.pid });
    this.child!.kill('SIGKILL');
    await this.waitExit(STOP_TIMEOUT_MS);
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`: a clean stop. */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    if (!this.running) return;
    this.events.push({ atMs: Date.now(), event: 'sigterm', pid: this.child?.pid });
    this.child!.kill('SIGTERM');
    if (!(await this.waitExit(timeoutMs))) await this.kill();
  }

  /** For process exit: SIGKILL at once, no waiting. */
  killNow(): void {
    if (this.running) this.child!.kill('SIGKILL');
  }

  /** Whether the process ended within `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running && Date.now() < deadline) await sleep(10);
    return !this.running;
  }

  /** The last exit's description, when the process is not running (for "it died at start-up"). */
  lastExit(): string | undefined {
    return this.running ? undefined : [...this.events].reverse().find((e) => e.event === 'exited')?.detail;
  }
}
