// Cucumber configuration for the suite benchmark's start-up measurement: the suite's support code
// and features as `cucumber.js` loads them (ts-node, transpile-only), run with --dry-run and no
// report formatters, so it times loading TypeScript and parsing Gherkin without touching reports/.
module.exports = {
  default: {
    requireModule: ['ts-node/register'],
    require: ['steps/**/!(*.test).ts'],
    paths: ['features/**/*.feature'],
    dryRun: true,
    format: [],
  },
};
