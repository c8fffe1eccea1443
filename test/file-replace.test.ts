// Saving to a path: the temporary file has a short name of its own, so any legal file name can be saved to, and none
// is left behind. docs/api.md (writeIndex) says what a save does to the path it is given.

import * as fs from 'fs';
import * as path from 'path';

import { BruteforceSearch, HierarchicalNSW } from 'hnswkit';

import { useTmpDir } from './helpers/tmp';

const DIM = 3;
const KINDS = ['HierarchicalNSW', 'BruteforceSearch'] as const;
const METHODS = ['writeIndexSync', 'writeIndex'] as const;

type Kind = (typeof KINDS)[number];
type Method = (typeof METHODS)[number];
type AnyIndex = HierarchicalNSW | BruteforceSearch;

const tmp = useTmpDir('hnswkit-replace-');

/** An index of `count` elements; the bytes it saves differ with the count. */
function makeIndex(kind: Kind, count: number): AnyIndex {
  const index = kind === 'HierarchicalNSW' ? new HierarchicalNSW('l2', DIM) : new BruteforceSearch('l2', DIM);
  index.initIndex(10);
  for (let i = 0; i < count; i++) index.addPoint([i, i + 1, i + 2], i);
  return index;
}

function load(kind: Kind, file: string): AnyIndex {
  const index = kind === 'HierarchicalNSW' ? new HierarchicalNSW('l2', DIM) : new BruteforceSearch('l2', DIM);
  index.readIndexSync(file);
  return index;
}

async function save(index: AnyIndex, file: string, method: Method): Promise<void> {
  if (method === 'writeIndexSync') index.writeIndexSync(file);
  else expect(await index.writeIndex(file)).toBe(true);
}

/** A fresh directory for one test, so its listing shows exactly what the save left. */
function freshDir(name: string): string {
  return fs.mkdtempSync(path.join(tmp.dir, `${name}-`));
}

describe.each(KINDS)('%s', (kind) => {
  describe.each(METHODS)('#%s', (method) => {
    it.each([240, 255])('saves to and loads from a %d-character file name, leaving no temporary file', async (length) => {
      const dir = freshDir('long-name');
      const name = `${'n'.repeat(length - 4)}.bin`;
      const index = makeIndex(kind, 4);
      await save(index, path.join(dir, name), method);
      expect(fs.readdirSync(dir)).toEqual([name]);
      expect(load(kind, path.join(dir, name)).getCurrentCount()).toBe(4);
      // And over the file now there.
      await save(makeIndex(kind, 5), path.join(dir, name), method);
      expect(fs.readdirSync(dir)).toEqual([name]);
      expect(load(kind, path.join(dir, name)).getCurrentCount()).toBe(5);
    });
  });

  describe('#writeIndex', () => {
    it('gives saves running at once into one directory temporary files of their own', async () => {
      const dir = freshDir('at-once');
      const names = Array.from({ length: 8 }, (_, i) => `index-${i}.bin`);
      const indexes = names.map((_, i) => makeIndex(kind, 1 + i));
      await Promise.all(names.map((name, i) => indexes[i].writeIndex(path.join(dir, name))));
      expect(fs.readdirSync(dir).sort()).toEqual(names);
      names.forEach((name, i) => expect(load(kind, path.join(dir, name)).getCurrentCount()).toBe(1 + i));
    });
  });
});
