/**
 * Links from the sign-off page into Cucumber's own report (cucumber.html, beside summary.html).
 * @cucumber/html-formatter 23.1.0 renders @cucumber/react-components 24.3.0 under its
 * UrlSearchProvider, which reads the page's query string: `?query=<text>` and `&hide=<status>`
 * (repeatable). A query that reads as a tag expression (`@sessions`, `@a and not @b`) filters the
 * scenarios by their tags, exactly; any other text is a full-text search (Orama, any of the words)
 * over feature, rule, scenario and step text, so it shows the named feature, rule or scenario
 * among any others sharing a word (measured on this suite: a scenario's name matched 16 of 24
 * features). The report has no anchor per scenario (no id, no #hash). So a link filters by tags
 * where it can: a capability by its tag; a feature by its tags; a rule by its feature's and its own;
 * a scenario by all of its tags, with passed scenarios hidden when it did not pass. Without tags,
 * it searches for the name.
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

/** cucumber.html filtered to the scenarios that carry every one of `tags` (else searched for `name`). */
export function tagsLink(tags: readonly string[], name: string, hidePassed = false): string {
  if (tags.length === 0) return searchLink(name, hidePassed);
  const expression = [...new Set(tags)].map((t) => t.replace(/[\\()]/g, (c) => `\\${c}`)).join(' and ');
  return `${CUCUMBER_REPORT}?query=${encodeURIComponent(expression)}${hidePassed ? '&hide=passed' : ''}`;
}
