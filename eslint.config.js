// Lint rules: typescript-eslint's recommended set, plus the determinism rule of the simulator:
// src/engine and src/cluster never read real time or real randomness (inject Clock/Rng instead).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const nondeterminism = [
  { object: 'Date', property: 'now', message: 'Read time through the injected Clock.' },
  { object: 'Math', property: 'random', message: 'Draw randomness from the injected Rng.' },
  { object: 'performance', property: 'now', message: 'Read time through the injected Clock.' },
];

// A part that needs a cast to `never` to be handed its collaborator does not meet its interface:
// give it an object that does. (Tests may cast bad input on purpose.)
const noNeverCast = {
  selector: "TSAsExpression[typeAnnotation.type='TSNeverKeyword']",
  message: 'No cast to never: pass an object that meets the interface.',
};

module.exports = tseslint.config(
  // .tmp/ is git-ignored scratch space (profiles, one-off scripts), never linted.
  { ignores: ['node_modules/**', 'reports/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'steps/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: { 'no-restricted-syntax': ['error', noNeverCast] },
  },
  // Steps drive a cluster that may answer over the network (every Cluster call is Awaitable):
  // an answer not awaited would be a step that passes before the deployment replied.
  {
    files: ['steps/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/cluster/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', ...nondeterminism],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Schedule through the injected Timers.' },
        { name: 'setInterval', message: 'Schedule through the injected Timers.' },
      ],
      'no-restricted-syntax': [
        'error',
        noNeverCast,
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Read time through the injected Clock.',
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
  },
);
