/**
 * Architectures by name, so that a model file (which records the name and options) can be
 * rebuilt, and the CLI can offer `--model`.
 */
import type { Generator } from '../tensor/random.js';
import type { Module } from '../nn/module.js';
import { lenet5 } from './lenet5.js';

/** A buildable architecture: its input, its classes, and how to build it. */
export interface Architecture {
  /** What the model expects: `[C, H, W]`. */
  inputShape: [number, number, number];
  classes: number;
  build(options: Record<string, unknown>, generator?: Generator): Module;
  description: string;
}

/** The architectures model files can name. */
export const ARCHITECTURES: Record<string, Architecture> = {
  lenet5: {
    inputShape: [1, 28, 28],
    classes: 10,
    build: (options, generator) => lenet5({ modern: options.modern === true, generator }),
    description: 'LeNet-5 (1998): tanh, trainable subsampling, C3 link table',
  },
};

/** CLI model names: each is an architecture with options. */
export const MODEL_PRESETS: Record<string, { architecture: string; options: Record<string, unknown> }> = {
  lenet5: { architecture: 'lenet5', options: { modern: false } },
  'lenet5-modern': { architecture: 'lenet5', options: { modern: true } },
};

/** Builds an architecture by name; unknown names are an error listing the known ones. */
export function buildModel(architecture: string, options: Record<string, unknown>, generator?: Generator): Module {
  const arch = ARCHITECTURES[architecture];
  if (arch === undefined) {
    throw new Error(`unknown architecture '${architecture}' (known: ${Object.keys(ARCHITECTURES).join(', ')})`);
  }
  return arch.build(options, generator);
}
