// Cucumber plugin of the `parallel` profile: the scenarios that took longest last time start first.
//
// Workers take scenarios in the order Cucumber lists them. In file order the two long ones
// (features/simulation/randomized.feature:17, ~4–5 s, and features/decay/decay.feature:27, ~2.5 s)
// come late, and one worker runs the last of them alone while the other has nothing left to do.
// Longest first (LPT scheduling) lets the short scenarios fill in around them: on the serial
// timings of 158 scenarios, 2 workers need 8.6 s of scenario time instead of 10.2 s.
//
// "Last time" is the message stream of the previous run in the same reports directory
// (`messages.ndjson`), read when the plugin starts, before this run's message formatter empties the
// file. A scenario is known by its file and name (lines move when a feature is edited); a scenario
// that run did not have counts as the mean. With no previous run the order is Cucumber's own.
// The order changes only which worker runs a scenario and when: each scenario still builds its own
// cluster from its own seed, so what it attaches is the same (src/report/parallel-run.test.ts).
//
// Plain CommonJS, not TypeScript: Cucumber imports plugins before it loads `requireModule` (ts-node).
const fs = require('node:fs');

/** Bound on the previous stream read: larger than any run of this suite (13 MB today), and no more. */
const MAX_MESSAGES_BYTES = 256 * 1024 * 1024;

/** A scenario as this plugin knows it across runs: its file and its (example-expanded) name. */
function scenarioKey(pickle) {
  return `${pickle.uri}\u0000${pickle.name}`;
}

/**
 * Milliseconds each scenario took in the stream `text`, by scenarioKey (attempts added up; two
 * scenarios with the same key count as the slower). Only the four message kinds it needs are parsed.
 */
function durationsFrom(text) {
  const keyOfPickle = new Map();
  const pickleOfTestCase = new Map();
  const started = new Map(); // testCaseStarted id → { pickleId, atMs }
  const msByPickle = new Map(); // a pickle's attempts add up
  for (const line of text.split('\n')) {
    if (line.startsWith('{"pickle":')) {
      const { pickle } = JSON.parse(line);
      keyOfPickle.set(pickle.id, scenarioKey(pickle));
    } else if (line.startsWith('{"testCase":')) {
      const { testCase } = JSON.parse(line);
      pickleOfTestCase.set(testCase.id, testCase.pickleId);
    } else if (line.startsWith('{"testCaseStarted":')) {
      const { testCaseStarted } = JSON.parse(line);
      const pickleId = pickleOfTestCase.get(testCaseStarted.testCaseId);
      started.set(testCaseStarted.id, { pickleId, atMs: millis(testCaseStarted.timestamp) });
    } else if (line.startsWith('{"testCaseFinished":')) {
      const { testCaseFinished } = JSON.parse(line);
      const start = started.get(testCaseFinished.testCaseStartedId);
      if (start === undefined || start.pickleId === undefined) continue;
      const ms = millis(testCaseFinished.timestamp) - start.atMs;
      msByPickle.set(start.pickleId, (msByPickle.get(start.pickleId) ?? 0) + ms);
    }
  }
  const durations = new Map();
  for (const [pickleId, ms] of msByPickle) {
    const key = keyOfPickle.get(pickleId);
    if (key !== undefined) durations.set(key, Math.max(durations.get(key) ?? 0, ms));
  }
  return durations;
}

function millis(timestamp) {
  return Number(timestamp.seconds) * 1000 + timestamp.nanos / 1e6;
}

/** The durations recorded in `file`, or an empty map when there is none to read (first run, CI shard). */
function readDurations(file) {
  try {
    const { size } = fs.statSync(file);
    if (size > MAX_MESSAGES_BYTES) return new Map();
    return durationsFrom(fs.readFileSync(file, 'utf8'));
  } catch {
    return new Map(); // absent, unreadable or cut short: Cucumber's order, not a failed run
  }
}

/** `pickles` longest first by `durations`; unknown ones count as the mean; ties keep their order. */
function longestFirst(pickles, durations) {
  if (durations.size === 0) return pickles;
  const known = [...durations.values()];
  const meanMs = known.reduce((sum, ms) => sum + ms, 0) / known.length;
  const estimate = (p) => durations.get(scenarioKey(p.pickle)) ?? meanMs;
  return pickles
    .map((p, index) => ({ p, index, ms: estimate(p) }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .map(({ p }) => p);
}

module.exports = {
  type: 'plugin',
  optionsKey: 'longestFirst',
  coordinator({ operation, transform, options }) {
    if (operation !== 'runCucumber') return;
    const durations = readDurations(options.messages); // now: this run's formatter truncates the file next
    transform('pickles:order', (pickles) => longestFirst(pickles, durations));
  },
  durationsFrom,
  longestFirst,
};
