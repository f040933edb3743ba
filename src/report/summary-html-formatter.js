// Entry for `--format ./src/report/summary-html-formatter.js:reports/summary.html`. Cucumber loads
// formatters with import(), which cannot read .ts; this CommonJS file can, through ts-node.
require('./ts-entry').ensureTypeScript();
module.exports = require('./summary-formatter.ts').htmlSummaryFormatter;
