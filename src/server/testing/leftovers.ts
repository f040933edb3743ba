/**
 * Last-resort cleanup for tests and harnesses: every child process and temp dir made through these
 * helpers is registered here and, if still there when the process exits (a test that timed out,
 * an uncaught error), killed with SIGKILL and removed — so no node, etcd or temp dir is left.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

const children = new Set<ChildProcess>();
const dirs = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
}

/** Kills `child` at exit unless it exited first. */
export function trackChild(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Removes `dir` at exit unless `untrackDir` was called (after removing it). */
export function trackDir(dir: string): string {
  install();
  dirs.add(dir);
  return dir;
}

export function untrackDir(dir: string): void {
  dirs.delete(dir);
}
