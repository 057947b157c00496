/**
 * The split of the bundled digits into training and held-out images, as the CLI makes it
 * (src/data/splits.ts): `randomSplit(digits, [8000, 2000], BUNDLED_SPLIT_SEED)`, so that the page's
 * held-out digits are the ones `convnet eval` reports on. The library's browser entry does not
 * export the seed (it lives beside the Node-only loader); a test checks that the two agree.
 */

/** The seed of the 8,000 / 2,000 split of the bundled digits (src/data/splits.ts). */
export const BUNDLED_SPLIT_SEED = 20260;

/** Training and held-out counts. */
export const SPLIT_COUNTS: [number, number] = [8000, 2000];

/** What the CLI calls the data, recorded in model files. */
export const DATA_SOURCE = 'the bundled MNIST digits (8,000 train / 2,000 held out)';
