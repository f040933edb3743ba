/**
 * Writes a JunitSuite as XML that validates against the Apache Ant JUnit schema
 * (schemas/junit-ant.xsd): testsuite attributes in the schema's types (timestamp without zone,
 * times as plain decimals), `<properties>` first, `<system-out>` and `<system-err>` last, every
 * test case with at most one child. Text is escaped, never CDATA, and characters XML 1.0 cannot
 * carry (terminal colour codes, other control characters, lone surrogates) are dropped.
 */
import type { JunitSuite, JunitTestCase } from './model';

// eslint-disable-next-line no-control-regex -- matching terminal colour codes is the point
const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` with only the characters an XML 1.0 document may hold. */
export function xmlChars(text: string): string {
  return text.replace(ANSI_ESCAPE, '').replace(NOT_XML_CHAR, '');
}

/** Escaped for an element's text. */
export function escapeText(text: string): string {
  return xmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped for a double-quoted attribute; line breaks and tabs kept as character references. */
export function escapeAttribute(text: string): string {
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** Seconds as an xs:decimal (never exponent notation), to the millisecond. */
export function decimalSeconds(seconds: number): string {
  return Number.isFinite(seconds) && seconds > 0 ? seconds.toFixed(3) : '0.000';
}

/** Milliseconds since the epoch as the schema's timestamp: xs:dateTime in UTC, no zone, no fraction. */
export function timestampUtc(millis: number): string {
  return new Date(millis).toISOString().slice(0, 19);
}

function attributes(pairs: [string, string | number][]): string {
  return pairs.map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`).join('');
}

function testCaseXml(testCase: JunitTestCase): string {
  const open = `  <testcase${attributes([
    ['classname', testCase.classname],
    ['name', testCase.name],
    ['time', decimalSeconds(testCase.timeSeconds)],
  ])}`;
  const problem = testCase.problem;
  if (problem === undefined) return `${open}/>`;
  const attrs: [string, string][] =
    problem.kind === 'skipped'
      ? [['message', problem.message]]
      : [
          ['type', problem.type],
          ['message', problem.message],
        ];
  return [
    `${open}>`,
    `    <${problem.kind}${attributes(attrs)}>${escapeText(problem.detail)}</${problem.kind}>`,
    '  </testcase>',
  ].join('\n');
}

/** The suite as a JUnit XML document. */
export function junitXml(suite: JunitSuite): string {
  const count = (kind: string): number => suite.testCases.filter((t) => t.problem?.kind === kind).length;
  const properties =
    suite.properties.length === 0
      ? ['  <properties/>']
      : [
          '  <properties>',
          ...suite.properties.map(
            ([name, value]) =>
              `    <property${attributes([
                ['name', name],
                ['value', value],
              ])}/>`,
          ),
          '  </properties>',
        ];
  const output = suite.testCases.flatMap((t) => t.output).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite${attributes([
      ['name', suite.name],
      ['timestamp', suite.timestamp],
      ['hostname', suite.hostname],
      ['tests', suite.testCases.length],
      ['failures', count('failure')],
      ['errors', count('error')],
      ['skipped', count('skipped')],
      ['time', decimalSeconds(suite.timeSeconds)],
    ])}>`,
    ...properties,
    ...suite.testCases.map(testCaseXml),
    `  <system-out>${escapeText(output === '' ? '' : `${output}\n`)}</system-out>`,
    '  <system-err/>',
    '</testsuite>',
    '',
  ].join('\n');
}
