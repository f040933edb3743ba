/**
 * Clock skew of real mode: libfaketime's offset syntax, and a child process whose Date.now()
 * follows its clock file while it runs (what a skewed node's clock does). Without libfaketime
 * the live part reports itself skipped.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ClockFile, faketimeOffset } from './faketime';
import { INSTALL_HINT, libfaketimePath } from './prerequisites';

test('skew: offsets in libfaketime syntax, seconds with fractions', () => {
  assert.equal(faketimeOffset(0), '+0');
  assert.equal(faketimeOffset(500), '+0.5s');
  assert.equal(faketimeOffset(-500), '-0.5s');
  assert.equal(faketimeOffset(3_000), '+3s');
  assert.equal(faketimeOffset(86_400_000), '+86400s');
  assert.equal(faketimeOffset(-1), '-0.001s');
  assert.throws(() => faketimeOffset(Number.NaN), /finite/);
});

test("skew: a running child's Date.now() follows its clock file at once, without a restart", async (t) => {
  if (!libfaketimePath()) return t.skip(`no libfaketime; ${INSTALL_HINT}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-faketime-test-'));
  try {
    const clock = new ClockFile(path.join(dir, 'clock'));
    // The child prints Date.now() − true time (the parent's, sent on stdin) for each line it reads.
    const child = spawn(
      process.execPath,
      [
        '-e',
        "process.stdin.on('data', (b) => { for (const l of String(b).trim().split('\\n')) console.log(Date.now() - Number(l)); })",
      ],
      { env: { ...process.env, ...clock.env() }, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines: number[] = [];
    child.stdout.on('data', (b) => lines.push(...String(b).trim().split('\n').map(Number)));
    const ask = async (): Promise<number> => {
      const n = lines.length;
      child.stdin.write(`${Date.now()}\n`);
      for (let i = 0; lines.length === n && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
      return lines[n]!;
    };
    const near = (got: number, want: number): void =>
      assert.ok(Math.abs(got - want) < 200, `child clock off by ${got} ms, wanted about ${want}`);
    near(await ask(), 0);
    clock.set(5_000);
    near(await ask(), 5_000);
    clock.set(-500);
    near(await ask(), -500);
    clock.set(0);
    near(await ask(), 0);
    child.kill('SIGKILL');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
