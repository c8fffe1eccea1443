// Small hand-made indexes for the API tests whose answers can be worked out by hand.

import { HierarchicalNSW } from 'hnswkit';

/** An l2 index of dimension 3 holding `points[i]` under label i. */
export function l2Index(points: number[][], maxElements = 10, allowReplaceDeleted = false): HierarchicalNSW {
  const index = new HierarchicalNSW('l2', 3);
  index.initIndex(maxElements, 16, 200, 100, allowReplaceDeleted);
  points.forEach((p, label) => index.addPoint(p, label));
  return index;
}

/** Five points whose squared L2 distances from the origin are 0, 1, 4, 9 and 48. */
export const POINTS = [
  [0, 0, 0],
  [1, 0, 0],
  [0, 2, 0],
  [0, 0, 3],
  [4, 4, 4],
];
