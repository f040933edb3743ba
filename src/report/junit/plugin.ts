/**
 * The junit formatter, as a cucumber-js formatter plugin: reads the message stream and, when the
 * run finishes, writes a JUnit XML report that validates against the Apache Ant JUnit schema
 * (schemas/junit-ant.xsd) and gives each failure its seed and replay command. Wired up in
 * cucumber.js through src/report/junit-formatter.js (Cucumber imports formatters with `import()`,
 * which cannot load .ts): `./src/report/junit-formatter.js:reports/junit.xml`; its options are
 * `formatOptions: { junit: { suiteName } }`, as for Cucumber's own junit formatter.
 */
import type { Envelope } from '@cucumber/messages';
import { Query } from '@cucumber/query';
import { junitSuite, type JunitOptions } from './report';
import { junitXml } from './xml';

/** The part of Cucumber's formatter plugin context this formatter uses. */
interface FormatterContext {
  on: (key: 'message', handler: (envelope: Envelope) => void) => void;
  options: JunitOptions;
  write: (chunk: string) => void;
  stream: NodeJS.WritableStream & { writableEnded?: boolean };
}

/** The formatter plugin (optionsKey `junit`). */
export const junitFormatter = {
  type: 'formatter' as const,
  optionsKey: 'junit',
  formatter({ on, options, write, stream }: FormatterContext): () => void {
    const query = new Query();
    let written = false;
    const flush = (): void => {
      if (written || stream.writableEnded) return;
      written = true;
      write(junitXml(junitSuite(query, options)));
    };
    on('message', (envelope) => {
      query.update(envelope);
      if (envelope.testRunFinished) flush();
    });
    return flush;
  },
};
