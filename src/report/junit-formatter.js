// Entry for `--format ./src/report/junit-formatter.js:reports/junit.xml`. Cucumber loads
// formatters with import(), which cannot read .ts; this CommonJS file can, through ts-node.
require('./ts-entry').ensureTypeScript();
module.exports = require('./junit/plugin.ts').junitFormatter;
