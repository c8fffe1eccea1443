// initIndex's two argument forms (positional and named), read with hnswlib-node 3.0.0's defaults and messages.

import {
  checkMinArgCount,
  checkNumberArg,
  checkOptionalBooleanArg,
  checkOptionalNumberArg,
  missingNamedArgError,
  namedArgTypeError,
} from './validate';

const DEFAULT_M = 16;
const DEFAULT_EF_CONSTRUCTION = 200;
const DEFAULT_RANDOM_SEED = 100;

export interface IndexSettings {
  maxElements: number;
  m: number;
  efConstruction: number;
  randomSeed: number;
  allowReplaceDeleted: boolean;
  /** hnswkit's, named form only: grow the capacity instead of failing when an add needs room. */
  autoGrow: boolean;
}

/** The named form: hnswlib-node checks key presence (`in`), so a present key holding `undefined` is a type error. */
function readNamedSettings(options: Record<string, unknown>): IndexSettings {
  if (!('maxElements' in options)) throw missingNamedArgError('maxElements');
  const { maxElements } = options;
  if (typeof maxElements !== 'number') throw namedArgTypeError('maxElements', 'a number');
  const numberOption = (key: 'm' | 'efConstruction' | 'randomSeed', fallback: number): number => {
    if (!(key in options)) return fallback;
    const value = options[key];
    if (typeof value !== 'number') throw namedArgTypeError(key, 'a number');
    return value;
  };
  const m = numberOption('m', DEFAULT_M);
  const efConstruction = numberOption('efConstruction', DEFAULT_EF_CONSTRUCTION);
  const randomSeed = numberOption('randomSeed', DEFAULT_RANDOM_SEED);
  let allowReplaceDeleted = false;
  if ('allowReplaceDeleted' in options) {
    const value = options.allowReplaceDeleted;
    // `allowRepalceDeleted` (sic) is hnswlib-node's spelling in this message.
    if (typeof value !== 'boolean') throw namedArgTypeError('allowRepalceDeleted', 'a boolean');
    allowReplaceDeleted = value;
  }
  let autoGrow = false;
  if ('autoGrow' in options) {
    const value = options.autoGrow;
    if (typeof value !== 'boolean') throw namedArgTypeError('autoGrow', 'a boolean');
    autoGrow = value;
  }
  return { maxElements, m, efConstruction, randomSeed, allowReplaceDeleted, autoGrow };
}

/** The positional form: `undefined` in any optional position means "use the default"; extra arguments are ignored. */
function readPositionalSettings(args: unknown[]): IndexSettings {
  const [maxElements, m, efConstruction, randomSeed, allowReplaceDeleted] = args;
  checkNumberArg(maxElements, 'first');
  checkOptionalNumberArg(m, 'sencond');
  checkOptionalNumberArg(efConstruction, 'third');
  checkOptionalNumberArg(randomSeed, 'fourth');
  checkOptionalBooleanArg(allowReplaceDeleted, 'fifth');
  return {
    maxElements,
    m: m ?? DEFAULT_M,
    efConstruction: efConstruction ?? DEFAULT_EF_CONSTRUCTION,
    randomSeed: randomSeed ?? DEFAULT_RANDOM_SEED,
    allowReplaceDeleted: allowReplaceDeleted ?? false,
    autoGrow: false,
  };
}

/** The settings of an `initIndex(...args)` call: the named form when the only argument is an object. */
export function readIndexSettings(args: unknown[]): IndexSettings {
  checkMinArgCount(args.length, 1, '1-5');
  const first = args[0];
  return args.length === 1 && typeof first === 'object' && first !== null
    ? readNamedSettings(first as Record<string, unknown>)
    : readPositionalSettings(args);
}
