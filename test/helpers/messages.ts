// Messages the API tests expect in several files: hnswlib-node's wording, and hnswkit's wording of a label's bounds.

/** What every method but the few that answer before initIndex throws on an index that has no initIndex yet. */
export const NOT_INITIALIZED = 'Search index has not been initialized, call `initIndex` in advance.';

/** How a RangeError describes a valid label ("Expected `label` to be <this> but received ..."). */
export const LABEL_RANGE = 'an integer between 0 and 9007199254740991';
