// Unit tests for reading a run's attachments from its messages and comparing two runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { compareRuns, firstDifference, scenariosOfRun } from './run-attachments';

interface FakeScenario {
  line: number;
  name?: string;
  status?: string;
  /** [fileName, body]; media type application/json. */
  attachments: [string, string][];
}

/** The messages Cucumber emits for these scenarios (only the fields the reader uses). */
function run(scenarios: FakeScenario[]): Envelope[] {
  const out: unknown[] = [];
  for (const s of scenarios) {
    const id = `${s.line}`;
    out.push({
      pickle: {
        id: `p${id}`,
        uri: 'features/x.feature',
        location: { line: s.line },
        name: s.name ?? `s${id}`,
      },
    });
    out.push({ testCase: { id: `tc${id}`, pickleId: `p${id}` } });
    out.push({ testCaseStarted: { id: `st${id}`, testCaseId: `tc${id}` } });
    for (const [fileName, body] of s.attachments)
      out.push({
        attachment: {
          testCaseStartedId: `st${id}`,
          fileName,
          mediaType: 'application/json',
          contentEncoding: 'IDENTITY',
          body,
        },
      });
    out.push({
      testStepFinished: { testCaseStartedId: `st${id}`, testStepResult: { status: s.status ?? 'PASSED' } },
    });
  }
  return out as Envelope[];
}

const WALL = new Set(['wall-clock.json']);

function compare(a: FakeScenario[], b: FakeScenario[]): ReturnType<typeof compareRuns> {
  return compareRuns(scenariosOfRun(run(a)), scenariosOfRun(run(b)), WALL);
}

test('run attachments: scenarios keyed by file and line, attachments in order, worst status', () => {
  const scenarios = scenariosOfRun(
    run([
      {
        line: 6,
        name: 'block',
        status: 'FAILED',
        attachments: [
          ['seed.json', '{}'],
          ['figures.json', '{"a":1}'],
        ],
      },
    ]),
  );
  assert.deepEqual([...scenarios.keys()], ['features/x.feature:6']);
  const s = scenarios.get('features/x.feature:6')!;
  assert.equal(s.name, 'block');
  assert.equal(s.status, 'FAILED');
  assert.deepEqual(
    s.attachments.map((a) => a.fileName),
    ['seed.json', 'figures.json'],
  );
});

test('run comparison: identical runs compare every attachment, wall-clock only for presence', () => {
  const a = [
    {
      line: 6,
      attachments: [
        ['seed.json', '{}'],
        ['wall-clock.json', '{"wallMs":1}'],
      ] as [string, string][],
    },
  ];
  const b = [
    {
      line: 6,
      attachments: [
        ['seed.json', '{}'],
        ['wall-clock.json', '{"wallMs":2}'],
      ] as [string, string][],
    },
  ];
  assert.deepEqual(compare(a, b), { identical: 1, allowedToDiffer: 1, differences: [] });
});

test('run comparison: a differing attachment is named with its scenario and where it differs', () => {
  const { differences } = compare(
    [{ line: 6, name: 'block', attachments: [['figures.json', '{"seedsRun":200,"at":17}']] }],
    [{ line: 6, name: 'block', attachments: [['figures.json', '{"seedsRun":200,"at":18}']] }],
  );
  assert.equal(differences.length, 1);
  assert.match(
    differences[0]!,
    /^features\/x\.feature:6 "block": attachment 1 \(figures\.json, application\/json\) differs: from character 22/,
  );
  assert.match(differences[0]!, /run 1 ".*17\}", run 2 ".*18\}"/);
});

test('run comparison: a missing attachment, a missing scenario and another status are differences', () => {
  const { differences } = compare(
    [
      {
        line: 6,
        attachments: [
          ['seed.json', '{}'],
          ['wall-clock.json', '{}'],
        ],
      },
      { line: 9, attachments: [] },
    ],
    [
      { line: 6, status: 'FAILED', attachments: [['seed.json', '{}']] },
      { line: 12, attachments: [] },
    ],
  );
  assert.deepEqual(differences, [
    'features/x.feature:12: ran only in the second run',
    'features/x.feature:6 "s6": PASSED in run 1, FAILED in run 2',
    'features/x.feature:6 "s6": attachment 2 (wall-clock.json, application/json) is missing in run 2',
    'features/x.feature:9 "s9": ran only in the first run',
  ]);
});

test('run comparison: runs that attached nothing compare nothing', () => {
  assert.deepEqual(compare([], []), { identical: 0, allowedToDiffer: 0, differences: [] });
});

test('first difference: position, line and context of each side', () => {
  assert.equal(firstDifference('a\nbcX', 'a\nbcY', 2), 'from character 4 (line 2): run 1 "bcX", run 2 "bcY"');
  assert.equal(firstDifference('ab', 'abc', 5), 'from character 2 (line 1): run 1 "ab", run 2 "abc"');
});
