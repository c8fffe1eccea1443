// ESLint for the TypeScript library (lib/), the tests (test/) and the plain-JS benchmarks, examples and scripts:
// ESLint's recommended rules and typescript-eslint's recommended set, plus, with type information, the rules that
// catch a Promise nobody awaits or handles (the async batch API returns them). `npm run lint` runs it with
// --max-warnings 0.

import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'build*/', 'node_modules/', 'prebuilds/', '.cache/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused arguments are part of signatures (callbacks, hnswlib-node's argument lists); a leading _ marks them.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // `const { performance } = require('perf_hooks')` names where a global comes from; that is not a mistake.
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  {
    // CommonJS: benchmarks, examples, scripts, test helpers run as child processes, the CommonJS typings check.
    files: ['**/*.js', '**/*.cjs', '**/*.cts'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts', 'test/helpers/tmp.js'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    files: ['lib/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
