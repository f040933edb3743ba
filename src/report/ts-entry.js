// Lets the formatter entry files require TypeScript. Cucumber has normally registered ts-node
// already (requireModule in cucumber.js); when it has not (another config, a tool loading the
// formatter alone), register it here with this project's tsconfig.json (transpile-only).
const path = require('node:path');

function ensureTypeScript() {
  if (require.extensions['.ts'] !== undefined) return;
  require('ts-node').register({
    project: path.join(__dirname, '..', '..', 'tsconfig.json'),
    transpileOnly: true,
  });
}

module.exports = { ensureTypeScript };
