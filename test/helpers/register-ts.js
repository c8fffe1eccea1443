'use strict';
// A require hook for child processes started by tests: compiles .ts files with @swc/core (as jest does) and
// resolves `hnswkit` to lib/index.ts, so a child runs the current sources rather than a possibly stale dist/.
// Use: node -r ./test/helpers/register-ts.js script.js

const Module = require('module');
const path = require('path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const entry = path.join(root, 'lib', 'index.ts');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = swc.transformFileSync(filename, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveHnswkit(request, parent, isMain, options) {
  if (request === 'hnswkit') return entry;
  try {
    return resolveFilename.call(this, request, parent, isMain, options);
  } catch (err) {
    // Extensionless relative imports inside lib/ name .ts files.
    if (request.startsWith('.') && parent && parent.filename && parent.filename.endsWith('.ts')) {
      return resolveFilename.call(this, request + '.ts', parent, isMain, options);
    }
    throw err;
  }
};
