// Cucumber plugin of the `ci` profile: a run that selects no scenario fails.
//
// Cucumber exits 0 when its paths, lines and tags match nothing (a replay command whose line moved,
// a misspelt tag), so a run that tested nothing would pass. This plugin sees the scenarios left
// after Cucumber's own filter (paths, `file:line`, `--tags`, `--name`) and, when none is left,
// says so on stderr and stops the run before any scenario starts, so `cucumber-js` exits 1.
//
// Plain CommonJS, not TypeScript: Cucumber imports plugins before it loads `requireModule`
// (ts-node), and `require: ['steps/**/*.ts']` does not load this file as support code.
const path = require('node:path');

/** What the command line asked for, for the message. */
function selection(argv) {
  const args = argv.slice(2).map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a));
  return args.length > 0 ? `\`cucumber-js ${args.join(' ')}\`` : '`cucumber-js`';
}

module.exports = {
  type: 'plugin',
  coordinator({ operation, on, transform, environment }) {
    if (operation !== 'runCucumber') return;
    let files = [];
    on('paths:resolve', (paths) => {
      files = paths.sourcePaths.map((p) => path.relative(environment.cwd, p));
    });
    transform('pickles:filter', (pickles) => {
      if (pickles.length > 0) return undefined;
      const where = files.length === 0 ? 'no feature file' : `${files.length} feature file(s)`;
      const message =
        `no scenario selected by ${selection(process.argv)} (${where} read): ` +
        'the ci profile fails a run that tests nothing. Check the path, its line (that of a Scenario, ' +
        'a Scenario Outline, its Examples or an example row) and the tags.';
      environment.stderr.write(`\n${message}\n\n`);
      const error = new Error(message);
      error.stack = message; // Cucumber prints the error it stops on: the message, not a stack
      throw error;
    });
  },
};
