/**
 * Cucumber's JSON report (cucumber.json) of a message stream, written by cucumber-js 12's own
 * JSON formatter driven from envelopes rather than from a run. The formatter is a legacy class
 * formatter: it reads the run through an EventDataCollector (fed here by an EventEmitter that
 * replays the envelopes, as Cucumber's runtime does), and the step definitions' locations
 * through the support code library, which a message stream does not hold; the only part it
 * reads (`stepDefinitions[].{id, uri, line}`) is rebuilt from the stepDefinition messages. So the
 * merged cucumber.json is byte for byte what Cucumber writes for the same messages
 * (merge.test.ts compares them).
 */
import { EventEmitter } from 'node:events';
import type { Envelope } from '@cucumber/messages';
import EventDataCollector from '@cucumber/cucumber/lib/formatter/helpers/event_data_collector';
import type { IFormatterOptions } from '@cucumber/cucumber/lib/formatter/index';
import JsonFormatter from '@cucumber/cucumber/lib/formatter/json_formatter';

/** The step definitions as the JSON formatter reads them: id, file and line. */
function stepDefinitionsOf(envelopes: readonly Envelope[]): { id: string; uri: string; line: number }[] {
  return envelopes.flatMap(({ stepDefinition }) =>
    stepDefinition === undefined
      ? []
      : [
          {
            id: stepDefinition.id,
            uri: stepDefinition.sourceReference.uri ?? '',
            line: stepDefinition.sourceReference.location?.line ?? 0,
          },
        ],
  );
}

/** cucumber.json for the run whose messages are `envelopes`. */
export function renderCucumberJson(envelopes: readonly Envelope[]): string {
  const eventBroadcaster = new EventEmitter();
  const chunks: string[] = [];
  // The fields JsonFormatter and its Formatter base read; the rest (colours, snippets, streams)
  // belong to formatters that print as the run goes.
  const options: Partial<IFormatterOptions> = {
    eventBroadcaster,
    eventDataCollector: new EventDataCollector(eventBroadcaster),
    log: (chunk) => chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
    parsedArgvOptions: {},
    supportCodeLibrary: {
      stepDefinitions: stepDefinitionsOf(envelopes),
    } as unknown as IFormatterOptions['supportCodeLibrary'],
    cleanup: async () => undefined,
  };
  new JsonFormatter(options as IFormatterOptions);
  for (const envelope of envelopes) eventBroadcaster.emit('envelope', envelope);
  return chunks.join('');
}
