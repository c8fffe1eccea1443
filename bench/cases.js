'use strict';
// Runs one benchmark case in a child process of its own and returns the JSON object it prints last: the machinery of
// bench/run.js and bench/scale.js. Cases run one at a time (spawnSync), so no two measure at once.

const { spawnSync } = require('child_process');
const path = require('path');
const { performance } = require('perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';
const PYTHON_CASE = path.join(__dirname, 'case_python.py');
const NODE_CASE = path.join(__dirname, 'case-node.js');

/**
 * Runs `command args` from the repository root and returns the reply (with `wallSeconds`, the child's whole life);
 * throws when it fails, exits non-zero, prints no JSON object or takes longer than `timeout` seconds (then it is
 * killed). Its stderr goes to ours.
 */
function runCase(what, command, args, { timeout }) {
  const started = performance.now();
  const child = spawnSync(command, [...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 << 20,
    timeout: timeout * 1000,
    killSignal: 'SIGKILL',
  });
  if (child.error && child.error.code === 'ETIMEDOUT') throw new Error(`${what}: took longer than ${timeout} s`);
  if (child.error) throw new Error(`${what}: ${child.error.message}`);
  if (child.status !== 0) {
    throw new Error(`${what}: exited with ${child.status === null ? `signal ${child.signal}` : `status ${child.status}`}`);
  }
  // The reply is the last line holding a JSON object; anything a library prints before it is ignored.
  const lines = child.stdout.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('{')) continue;
    try {
      const reply = JSON.parse(lines[i]);
      reply.wallSeconds = (performance.now() - started) / 1000;
      return reply;
    } catch {
      break;
    }
  }
  throw new Error(`${what}: no JSON reply; stdout was:\n${child.stdout}`);
}

/** A case of bench/case_python.py under /usr/bin/python3. */
function runPython(what, args, options) {
  return runCase(what, PYTHON, [PYTHON_CASE, JSON.stringify(args)], options);
}

/** A case of a Node script (bench/case-node.js unless `script` is given), with global.gc exposed. */
function runNode(what, args, options, script = NODE_CASE) {
  return runCase(what, process.execPath, ['--expose-gc', script, JSON.stringify(args)], options);
}

module.exports = { ROOT, PYTHON, NODE_CASE, runCase, runPython, runNode };
