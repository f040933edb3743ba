/**
 * The seed and its replay command as a line a reader sees in Cucumber's HTML report without
 * downloading anything: the Before hook passes it to `this.log()` (media type
 * `text/x.cucumber.log+plain`, shown inline), after the seed's JSON attachment that the summary
 * and JUnit reports parse. The report's log renderer (ansi-to-html, escapeXML off) writes the
 * text into the page as HTML, so `&`, `<` and `>` are entity-escaped: a feature path with `<` or `&` in it
 * stays text.
 */
import { replayCommand } from './seed';

/** "seed 42 — replay: TIDAL_SEED=42 npx cucumber-js features/x.feature:12", HTML-escaped. */
export function seedLogLine(seed: number, uri: string, line: number): string {
  return escapeText(`seed ${seed} — replay: ${replayCommand(seed, uri, line)}`);
}

/** Element text only (no attribute): quotes stay as they are, so the shell command reads as typed. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
