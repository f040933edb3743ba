// Entry for `--format ./src/report/summary-md-formatter.js:reports/summary.md`. Cucumber loads
// formatters with import(), which cannot read .ts; this CommonJS file can, through ts-node.
require('./ts-entry').ensureTypeScript();
module.exports = require('./summary-formatter.ts').markdownSummaryFormatter;
