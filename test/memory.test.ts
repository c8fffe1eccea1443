// Memory: a long loop that creates, fills, saves, loads, searches and drops indexes through every Sync and Promise
// method keeps the process's RSS flat while gigabytes pass through it, and the figures docs/resources.md gives
// (bytes per element, fixed cost per index, reserved capacity) hold as upper bounds. Everything is measured in
// child processes started with --expose-gc against the built package (dist/).

import { spawnSync } from 'child_process';
import * as path from 'path';
import { buildDist } from './helpers/dist';
import { makeTempDir, removeTempDir } from './helpers/tmp';

const HELPERS = path.join(__dirname, 'helpers');
const MB = 1024 * 1024;

function runJson<T>(script: string, args: string[], timeout = 120_000, env: NodeJS.ProcessEnv = process.env): T {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(HELPERS, script), ...args], {
    encoding: 'utf8',
    timeout,
    env,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${r.status} (${r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}

// Under AddressSanitizer (scripts/test-sanitize.sh) the allocator quarantines freed memory and pads every block, so
// RSS says nothing about the library; the sanitized run checks memory errors, this file checks memory use.
const underSanitizer = process.env.HNSWKIT_SANITIZE === '1';
const describeMemory = underSanitizer ? describe.skip : describe;

beforeAll(() => {
  // The children run dist/: build it from the current lib/.
  if (!underSanitizer) buildDist();
}, 60_000);

describeMemory('a create / fill / save / load / search / drop loop', () => {
  interface LoopReport {
    warmRss: number;
    finalRss: number;
    samples: Array<{ iteration: number; rss: number }>;
    movedBytes: number;
    ms: number;
  }
  let report: LoopReport;
  let dir = '';

  beforeAll(() => {
    dir = makeTempDir('hnswkit-memory-');
    // 30 warm-up iterations (allocator arenas, thread pools, code caches), then 200 measured ones. Every batch
    // starts threads, and glibc may give each new thread a malloc arena of its own, whose pages stay resident after
    // the thread ends: with the default arena count the same loop's RSS swung by 5-60 MB from run to run, old and
    // new code alike, which hid what the library holds. Two arenas keep that noise to a few MB.
    report = runJson<LoopReport>('memory-loop-child.js', [dir, '30', '200'], 120_000, {
      ...process.env,
      MALLOC_ARENA_MAX: '2',
    });
  }, 120_000);

  afterAll(() => {
    removeTempDir(dir);
  });

  it('passes gigabytes through index memory, buffers and files', () => {
    expect(report.movedBytes).toBeGreaterThan(5e9);
  });

  it('grows RSS by less than 50 MB from the end of the warm-up to the end', () => {
    expect((report.finalRss - report.warmRss) / MB).toBeLessThan(50);
  });

  it('never rises more than 50 MB above the warm RSS at any sample', () => {
    const highest = Math.max(...report.samples.map((s) => s.rss));
    expect((highest - report.warmRss) / MB).toBeLessThan(50);
  });
});

describeMemory('the resource figures of docs/resources.md', () => {
  it('costs about 50 KiB per initialised empty HNSW index and under 1 KiB per constructed object', () => {
    const { perObject } = runJson<{ perObject: Record<string, number> }>('measure-resources.js', ['fixed', '1000']);
    expect(perObject['HierarchicalNSW constructed']).toBeLessThan(4 * 1024);
    expect(perObject['BruteforceSearch constructed']).toBeLessThan(4 * 1024);
    expect(perObject['HierarchicalNSW initIndex(0)']).toBeLessThan(80 * 1024);
    expect(perObject['BruteforceSearch initIndex(0)']).toBeLessThan(4 * 1024);
  });

  it('commits almost nothing for the unused capacity of an HNSW index (10 million slots, 6.6 GB reserved)', () => {
    const r = runJson<{ rssGrowth: number; reservedBytes: number; maxElements: number }>('measure-resources.js', [
      'capacity',
      'hnsw',
      '10000000',
      '128',
    ]);
    expect(r.maxElements).toBe(10_000_000);
    expect(r.reservedBytes).toBeGreaterThan(6e9);
    expect(r.rssGrowth / MB).toBeLessThan(16);
  });

  it('holds far less than a second copy of a large addItems batch while it runs (200k x 128)', () => {
    const r = runJson<{ batchBytes: number; peakAboveSettled: number }>('measure-resources.js', ['batch-peak', '200000', '128']);
    // A copy of the whole batch would be 100 MB above; two chunks of rows are 16 MB.
    expect(r.batchBytes).toBe(200_000 * 128 * 4);
    expect(r.peakAboveSettled).toBeLessThan(r.batchBytes * 0.5);
  });

  it('commits at most its slots for the capacity of a brute-force index', () => {
    const r = runJson<{ rssGrowth: number; reservedBytes: number }>('measure-resources.js', ['capacity', 'brute', '200000', '128']);
    expect(r.rssGrowth).toBeLessThan(r.reservedBytes * 1.05 + 4 * MB);
  });

  it('stores an HNSW element in its level-0 record plus the predicted extras (60000 x 128, m 16)', () => {
    const count = 60000;
    const r = runJson<{
      marginalPerElement: number;
      filePerElement: number;
      predicted: { level0: number; upper: number; perSlot: number; total: number };
    }>('measure-resources.js', ['per-element', String(count), '128', '16', '100', '2']);
    // level 0: 4 + 8m + 4 dim + 8 = 652 bytes; upper levels (4 + 4m)/(m - 1) = 4.5 on average.
    expect(r.predicted.level0).toBe(652);
    // The file holds the records, a 4-byte size per element, the upper lists and a 96-byte header.
    expect(r.filePerElement).toBeGreaterThan(r.predicted.level0 + 4);
    expect(r.filePerElement).toBeLessThan(r.predicted.level0 + 4 + 2 * r.predicted.upper + 1);
    // Memory (the marginal cost over the last three quarters, past the allocator's start-up): the records, each
    // slot's level and list pointer, and the label map (~45 bytes). The records sit on 2 MiB huge pages where the
    // system has them, so RSS moves in 2 MiB steps: one step either way, spread over the elements measured.
    const hugePageShare = (2 * MB) / (count * 0.75);
    expect(r.marginalPerElement).toBeGreaterThan(r.predicted.level0 - hugePageShare);
    expect(r.marginalPerElement).toBeLessThan(r.predicted.total + 100 + hugePageShare);
  }, 60_000);

  it('keeps one visited-tag array of 2 bytes per capacity slot per concurrent search, at most', () => {
    const r = runJson<{ rssGrowth: number; tagBytesPerList: number; threads: number }>('measure-resources.js', [
      'visited',
      '2000000',
      '500',
      '140000',
      '2',
    ]);
    expect(r.rssGrowth).toBeLessThan(r.threads * r.tagBytesPerList + 4 * MB);
  });
});
