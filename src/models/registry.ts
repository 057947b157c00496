/**
 * Architectures by name, so that a model file (which records the name and options) can be
 * rebuilt, and the CLI can offer `--model`.
 */
import type { Generator } from '../tensor/random.js';
import type { AnyModule } from '../nn/module.js';
import { lenet5 } from './lenet5.js';
import { type ResNetOptions, resnet } from './resnet.js';
import { type VggOptions, vgg } from './vgg.js';

/** A buildable architecture: how to build it, and (where known) its input and classes. */
export interface CustomArchitecture {
  /** What the model expects: `[C, H, W]`. */
  inputShape?: [number, number, number];
  classes?: number;
  build(options: Record<string, unknown>, generator?: Generator): AnyModule;
  description: string;
}

/** A built-in architecture: its input and classes are fixed. */
export interface Architecture extends CustomArchitecture {
  inputShape: [number, number, number];
  classes: number;
}

/** The built-in architectures (model files can also name those given to `registerArchitecture`). */
export const ARCHITECTURES: Record<string, Architecture> = {
  lenet5: {
    inputShape: [1, 28, 28],
    classes: 10,
    build: (options, generator) => lenet5({ modern: options.modern === true, generator }),
    description: 'LeNet-5 (1998): tanh, trainable subsampling, C3 link table',
  },
  resnet: {
    inputShape: [1, 28, 28],
    classes: 10,
    build: (options, generator) => resnet({ ...(options as ResNetOptions), generator }),
    description: 'CIFAR-style ResNet (2016): 3 stages of 16/32/64 channels, basic blocks with BatchNorm, depth 6n + 2',
  },
  vgg: {
    inputShape: [1, 28, 28],
    classes: 10,
    build: (options, generator) => vgg({ ...(options as VggOptions), generator }),
    description: 'small VGG-style CNN with BatchNorm: 2 stages of two 3×3 conv → BN → ReLU and a max pool, a 128-wide hidden layer',
  },
};

/** CLI model names: each is an architecture with options. */
export const MODEL_PRESETS: Record<string, { architecture: string; options: Record<string, unknown> }> = {
  lenet5: { architecture: 'lenet5', options: { modern: false } },
  'lenet5-modern': { architecture: 'lenet5', options: { modern: true } },
  resnet8: { architecture: 'resnet', options: { blocksPerStage: 1 } },
  resnet20: { architecture: 'resnet', options: { blocksPerStage: 3 } },
  vgg6: { architecture: 'vgg', options: {} },
};

/** The architecture and options each model built by `buildModel` came from. */
const BUILT_FROM = new WeakMap<AnyModule, { architecture: string; options: Record<string, unknown> }>();

/**
 * Makes a custom model class savable: `registerArchitecture('tiny-net', (options) => new TinyNet(options))`.
 * A model built by `buildModel('tiny-net', options)` is then saved with that name and options, and
 * `loadModel` rebuilds it by calling `build(options)` — in the loading program too, so register
 * it there before loading. `build` must give the same parameter names and shapes for the same
 * options. Re-registering a name replaces it; the built-in names cannot be replaced.
 *
 * @param details its description, and the input `[C, H, W]` and class count where they are fixed
 */
export function registerArchitecture(
  name: string,
  build: (options: Record<string, unknown>, generator?: Generator) => AnyModule,
  details: { description?: string; inputShape?: [number, number, number]; classes?: number } = {},
): void {
  if (typeof name !== 'string' || name === '' || name === MODULES_ARCHITECTURE) {
    throw new Error(
      `registerArchitecture: name must be a non-empty string other than '${MODULES_ARCHITECTURE}', got ${JSON.stringify(name)}`,
    );
  }
  if (Object.hasOwn(ARCHITECTURES, name))
    throw new Error(`registerArchitecture: '${name}' is a built-in architecture and cannot be replaced`);
  if (typeof build !== 'function')
    throw new Error(`registerArchitecture: build must be a function (options) => Module, got ${typeof build}`);
  CUSTOM_ARCHITECTURES.set(name, {
    build,
    description: details.description ?? name,
    inputShape: details.inputShape,
    classes: details.classes,
  });
}

const CUSTOM_ARCHITECTURES = new Map<string, CustomArchitecture>();

/** The architecture called `name`, built-in or registered, or undefined. */
export function findArchitecture(name: string): CustomArchitecture | undefined {
  return Object.hasOwn(ARCHITECTURES, name) ? ARCHITECTURES[name] : CUSTOM_ARCHITECTURES.get(name);
}

/** The names of every architecture, built-in then registered. */
export function architectureNames(): string[] {
  return [...Object.keys(ARCHITECTURES), ...CUSTOM_ARCHITECTURES.keys()];
}

/** The architecture name model files use for a tree of built-in modules stored as a spec. */
export const MODULES_ARCHITECTURE = 'modules';

/** Builds an architecture by name; unknown names are an error listing the known ones. */
export function buildModel(architecture: string, options: Record<string, unknown> = {}, generator?: Generator): AnyModule {
  const arch = findArchitecture(architecture);
  if (arch === undefined) {
    throw new Error(
      `unknown architecture '${architecture}' (known: ${architectureNames().join(', ')}); ` +
        `a custom model must be registered with registerArchitecture('${architecture}', build) in this program`,
    );
  }
  const model = arch.build(options, generator);
  BUILT_FROM.set(model, { architecture, options });
  return model;
}

/** The architecture and options `model` was built from by `buildModel`, or null. */
export function builtFrom(model: AnyModule): { architecture: string; options: Record<string, unknown> } | null {
  return BUILT_FROM.get(model) ?? null;
}
