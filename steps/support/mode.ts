/** Which deployment the scenarios drive (the world parameter `mode`), read and checked. */

/** The simulator (the default) or real tidal-node processes. */
export type Mode = 'simulated' | 'real';
const MODES: readonly Mode[] = ['simulated', 'real'];

/** The world parameters this suite reads (`--world-parameters '{"mode":"real"}'`). */
export function modeOf(parameters: unknown): Mode {
  const mode = (parameters as { mode?: unknown } | undefined)?.mode ?? 'simulated';
  if (!MODES.includes(mode as Mode))
    throw new Error(`world parameter mode is ${JSON.stringify(mode)}; use one of ${MODES.join(', ')}`);
  return mode as Mode;
}
