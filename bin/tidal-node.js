#!/usr/bin/env node
// tidal-node: one region's server (src/server/main.ts), run through ts-node with swc as the repo
// runs its TypeScript (tsconfig.json's "ts-node" section).
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..');
require('ts-node').register({
  project: path.join(root, 'tsconfig.json'),
  transpileOnly: true,
  swc: true,
});
require(path.join(root, 'src', 'server', 'main.ts'));
