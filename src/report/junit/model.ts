/**
 * The JUnit report as plain data, shaped by the Apache Ant JUnit schema (schemas/junit-ant.xsd):
 * one testsuite with its properties, its test cases (each passed, or with exactly one failure,
 * error or skipped element) and the suite's system-out. Built from Cucumber's messages by
 * report.ts, written as XML by xml.ts.
 */

/** What the one child element of a test case says, when it has one. */
export interface JunitProblem {
  /** failure: a check failed; error: the scenario could not run as written; skipped: it did not run. */
  kind: 'failure' | 'error' | 'skipped';
  /** The `type` attribute (failure and error require it): the exception's type or the Cucumber status. */
  type: string;
  /** The `message` attribute: one line, ending with the seed and replay command when there is one. */
  message: string;
  /** The element's text: the step, the seed and replay command, then the stack trace or Cucumber's message. */
  detail: string;
}

export interface JunitTestCase {
  /** The feature's name (the file's path when the feature has none). */
  classname: string;
  /** The scenario's name; an example row's own name, made distinct within its feature. */
  name: string;
  timeSeconds: number;
  /** Absent when the scenario passed. */
  problem?: JunitProblem;
  /** Lines for the suite's system-out: the scenario, its seed and its steps with their statuses. */
  output: string[];
}

export interface JunitSuite {
  name: string;
  /** When the run started, UTC, as the schema's xs:dateTime without zone or fraction. */
  timestamp: string;
  hostname: string;
  timeSeconds: number;
  /** Name and value pairs for `<properties>` (Cucumber's version, the runtime, the zone of timestamp…). */
  properties: [string, string][];
  testCases: JunitTestCase[];
}
