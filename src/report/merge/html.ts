/**
 * Cucumber's HTML report (cucumber.html) of a message stream, rendered as cucumber-js's html
 * formatter plugin does: the envelopes through @cucumber/html-formatter's CucumberHtmlStream,
 * which wraps them in its page template with its own CSS and JavaScript (its dist assets, found
 * by the package itself). Attachments stay embedded, as in a run's report.
 */
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { CucumberHtmlStream } from '@cucumber/html-formatter';
import type { Envelope } from '@cucumber/messages';

/** Writes cucumber.html for `envelopes` to `file`. */
export async function writeCucumberHtml(envelopes: readonly Envelope[], file: string): Promise<void> {
  await pipeline(
    Readable.from(envelopes, { objectMode: true }),
    new CucumberHtmlStream(),
    fs.createWriteStream(file),
  );
}
