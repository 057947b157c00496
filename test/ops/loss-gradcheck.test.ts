/**
 * Float64 central-difference checks of the loss forms: crossEntropy with class weights,
 * ignoreIndex and label smoothing (alone and together), over class indices and class
 * probabilities, (N, C) and spatial (N, C, d1, …) inputs, every reduction; nllLoss with weights
 * and ignoreIndex. Each test name carries the shapes and options.
 */
import { describe, expect, it } from 'vitest';
import { F, Generator, gradcheck, tensor, type Reduction, type Tensor } from '../../src/index.js';
import type { CrossEntropyOptions } from '../../src/ops/loss.js';
import { param64 } from '../helpers.js';

const g = new Generator(20260514);

/** Class indices of `shape` in [0, classes), with every third one set to `ignore` when given. */
function classIndices(shape: number[], classes: number, ignore?: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, i) => (ignore !== undefined && i % 3 === 1 ? ignore : g.randint(classes)));
  return tensor(data, { shape, dtype: 'int32' });
}

/** Class probabilities of `shape` along axis 1: a softmax of normal samples, a constant (float64). */
function probabilities(shape: number[]): Tensor {
  return F.softmax(param64(shape, g).detach(), 1);
}

/** Positive class weights, a constant (float64). */
function weights(classes: number): Tensor {
  return tensor(
    Array.from({ length: classes }, () => 0.25 + g.uniform()),
    { dtype: 'float64' },
  );
}

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

/** The option sets checked: each option alone, then together (weights added per case). */
const OPTION_SETS: { label: string; weight: boolean; options: CrossEntropyOptions }[] = [
  { label: 'no options', weight: false, options: {} },
  { label: 'weight', weight: true, options: {} },
  { label: 'ignoreIndex=1', weight: false, options: { ignoreIndex: 1 } },
  { label: 'labelSmoothing=0.2', weight: false, options: { labelSmoothing: 0.2 } },
  { label: 'weight ignoreIndex=-100', weight: true, options: { ignoreIndex: -100 } },
  { label: 'weight labelSmoothing=0.1', weight: true, options: { labelSmoothing: 0.1 } },
  { label: 'weight ignoreIndex=0 labelSmoothing=0.3', weight: true, options: { ignoreIndex: 0, labelSmoothing: 0.3 } },
];

function check(fn: (x: Tensor) => Tensor, x: Tensor): void {
  expect(gradcheck(fn, [x])).toBe(true);
}

describe('gradcheck: crossEntropy with class indices', () => {
  for (const shape of [
    [4, 5],
    [2, 3, 4],
    [2, 4, 2, 3],
  ]) {
    const [n, classes, ...rest] = shape;
    for (const { label, weight, options } of OPTION_SETS) {
      for (const reduction of REDUCTIONS) {
        it(`logits=${JSON.stringify(shape)} targets=${JSON.stringify([n, ...rest])} ${label} reduction=${reduction}`, () => {
          const targets = classIndices([n, ...rest], classes, options.ignoreIndex ?? -100);
          const o: CrossEntropyOptions = { ...options, reduction, weight: weight ? weights(classes) : null };
          check((x) => F.crossEntropy(x, targets, o), param64(shape, g));
        });
      }
    }
  }
});

describe('gradcheck: crossEntropy with class probabilities', () => {
  for (const shape of [
    [4, 5],
    [2, 3, 2, 3],
  ]) {
    for (const [label, weight, labelSmoothing] of [
      ['no options', false, 0],
      ['weight', true, 0],
      ['labelSmoothing=0.25', false, 0.25],
      ['weight labelSmoothing=0.1', true, 0.1],
    ] as const) {
      for (const reduction of REDUCTIONS) {
        it(`logits=${JSON.stringify(shape)} targets=${JSON.stringify(shape)} ${label} reduction=${reduction}`, () => {
          const p = probabilities(shape);
          const o: CrossEntropyOptions = { reduction, labelSmoothing, weight: weight ? weights(shape[1]) : null };
          check((x) => F.crossEntropy(x, p, o), param64(shape, g));
        });
      }
    }
  }
});

describe('gradcheck: nllLoss', () => {
  for (const shape of [
    [4, 5],
    [2, 3, 2, 3],
  ]) {
    const [n, classes, ...rest] = shape;
    for (const [label, weight, ignoreIndex] of [
      ['no options', false, undefined],
      ['weight', true, undefined],
      ['ignoreIndex=2', false, 2],
      ['weight ignoreIndex=2', true, 2],
    ] as const) {
      for (const reduction of REDUCTIONS) {
        it(`input=${JSON.stringify(shape)} targets=${JSON.stringify([n, ...rest])} ${label} reduction=${reduction}`, () => {
          const targets = classIndices([n, ...rest], classes, ignoreIndex);
          const o = { reduction, ignoreIndex, weight: weight ? weights(classes) : null };
          check((x) => F.nllLoss(x, targets, o), param64(shape, g));
        });
      }
    }
  }
});
