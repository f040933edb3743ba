/**
 * Links from the sign-off page into Cucumber's own report (cucumber.html, beside summary.html).
 * @cucumber/html-formatter 23.1.0 renders @cucumber/react-components 24.3.0 under its
 * UrlSearchProvider, which reads the page's query string: `?query=<text>` and `&hide=<status>`
 * (repeatable). A query that reads as a tag expression (`@sessions`, `@a and not @b`) filters the
 * scenarios by their tags, exactly; any other text is a full-text search (Orama, any of the words)
 * over feature, rule, scenario and step text, so it shows the named feature, rule or scenario
 * among any others sharing a word. The report has no anchor per scenario (no id, no #hash).
 */

/** Where Cucumber's report lies, relative to summary.html. */
export const CUCUMBER_REPORT = 'cucumber.html';

/** cucumber.html filtered to one capability's tag: exact. */
export function tagLink(tag: string): string {
  return `${CUCUMBER_REPORT}?query=${encodeURIComponent(tag)}`;
}

/** cucumber.html searched for a feature's, rule's or scenario's name; `hidePassed` hides passed scenarios. */
export function searchLink(text: string, hidePassed = false): string {
  // A name that looks like a tag expression would be read as one: searching its words is what we mean.
  const query = /^\s*@/.test(text) ? text.replace(/@/g, ' ').trim() : text;
  return `${CUCUMBER_REPORT}?query=${encodeURIComponent(query)}${hidePassed ? '&hide=passed' : ''}`;
}
