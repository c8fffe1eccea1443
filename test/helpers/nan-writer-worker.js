'use strict';
// Worker-thread script for test/hostile-input.test.ts: another thread writing a caller's vectors while a batch call
// reads them. For each round the main thread starts (incrementing control[0] just before its call), it waits
// control[2] microseconds and then writes NaN into one float of a SharedArrayBuffer: late enough that the call has
// already checked that float, early enough that the call is still reading the rest of a batch of millions of
// floats. It spins rather than sleeps, so that waking up adds no delay of the scheduler's. control[1] ends it.
// workerData: { buffer: SharedArrayBuffer of float32s, index: the float to write, control: SharedArrayBuffer of
// three int32s }

const { parentPort, workerData } = require('worker_threads');
const { performance } = require('perf_hooks');

const NAN_BITS = 0x7fc00000;

const bits = new Uint32Array(workerData.buffer);
const control = new Int32Array(workerData.control);
const { index } = workerData;

parentPort.postMessage('ready');
let round = 0;
for (;;) {
  while (Atomics.load(control, 0) === round && Atomics.load(control, 1) === 0);
  if (Atomics.load(control, 1) !== 0) break;
  round = Atomics.load(control, 0);
  const until = performance.now() + Atomics.load(control, 2) / 1000;
  while (performance.now() < until);
  // An atomic store of the bit pattern: no compiler can drop or move it.
  Atomics.store(bits, index, NAN_BITS);
}
