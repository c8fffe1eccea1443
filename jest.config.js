// Jest setup: TypeScript tests compiled by @swc/jest (types stripped only; `tsc -p tsconfig.json` checks them),
// importing the package entry `hnswkit` from the sources in lib/.
'use strict';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/build/'],
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript' },
          // Keep real ES classes and private fields, as tsc's es2022 output has them.
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^hnswkit$': '<rootDir>/lib/index.ts',
  },
  // Some suites build indexes over real data sets.
  testTimeout: 60000,
};
