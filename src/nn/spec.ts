/**
 * Module specs: a built-in module's type and constructor arguments as JSON (`Module.spec()`), and
 * the way back (`buildModule`), so that a model file rebuilds any tree of built-in layers and
 * containers from the file alone.
 */
import type { Size2d } from '../geometry/options.js';
import type { Pool2dOptions } from '../geometry/pool.js';
import { type AnyModule, Module, type ModuleSpec } from './module.js';
import {
  Conv2d,
  type Conv2dLayerOptions,
  ConvTranspose2d,
  type ConvTranspose2dLayerOptions,
  LinkedConv2d,
  type LinkedConv2dLayerOptions,
} from './conv.js';
import { Linear } from './linear.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, Subsampling } from './pooling.js';
import type { AdaptiveSize2d } from '../ops/pool.js';
import { BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from './batch-norm.js';
import { LeakyReLU, ReLU, Sigmoid, Tanh } from './activation.js';
import { Dropout, Dropout2d } from './dropout.js';
import { Flatten, Identity, ModuleDict, ModuleList, Residual, Sequential } from './container.js';
import { Normalize } from './normalize.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the arguments come from JSON, checked by the constructors */
type Build = (args: any[], children: AnyModule[] | Record<string, AnyModule | null>) => AnyModule;

/** The built-in modules by spec type. */
const BUILDERS: Record<string, Build> = {
  Conv2d: ([i, o, k, opt]) => new Conv2d(i as number, o as number, k as Size2d, opt as Conv2dLayerOptions),
  ConvTranspose2d: ([i, o, k, opt]) => new ConvTranspose2d(i as number, o as number, k as Size2d, opt as ConvTranspose2dLayerOptions),
  LinkedConv2d: ([i, o, k, opt]) => new LinkedConv2d(i as number, o as number, k as Size2d, opt as LinkedConv2dLayerOptions),
  Linear: ([i, o, opt]) => new Linear(i as number, o as number, opt as object),
  MaxPool2d: ([k, opt]) => new MaxPool2d(k as Pool2dOptions['kernelSize'], opt as object),
  AvgPool2d: ([k, opt]) => new AvgPool2d(k as Pool2dOptions['kernelSize'], opt as object),
  AdaptiveAvgPool2d: ([size]) => new AdaptiveAvgPool2d(size as AdaptiveSize2d),
  Subsampling: ([c, opt]) => new Subsampling(c as number, opt as object),
  BatchNorm1d: ([c, opt]) => new BatchNorm1d(c as number, opt as BatchNormLayerOptions),
  BatchNorm2d: ([c, opt]) => new BatchNorm2d(c as number, opt as BatchNormLayerOptions),
  ReLU: () => new ReLU(),
  LeakyReLU: ([slope]) => new LeakyReLU(slope as number | undefined),
  Tanh: () => new Tanh(),
  Sigmoid: () => new Sigmoid(),
  Dropout: ([p, opt]) => new Dropout(p as number | undefined, opt as object | undefined),
  Dropout2d: ([p]) => new Dropout2d(p as number | undefined),
  Identity: () => new Identity(),
  Normalize: ([mean, std]) => new Normalize(mean as number | number[], std as number | number[]),
  Flatten: ([start, end]) => new Flatten(start as number | undefined, end as number | undefined),
  Sequential: (_args, children) => new Sequential(...(children as Module[])),
  ModuleList: (_args, children) => new ModuleList(children as AnyModule[]),
  ModuleDict: (_args, children) => new ModuleDict(children as Record<string, AnyModule>),
  Residual: (_args, children) => {
    const { body, projection } = children as Record<string, Module | null>;
    if (!body) throw new Error("a Residual spec needs a 'body' child");
    return new Residual(body, projection ?? undefined);
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The types `buildModule` knows. */
export const BUILT_IN_MODULES: readonly string[] = Object.keys(BUILDERS);

/**
 * The spec of `model` (see `Module.spec()`); an error naming the first module that has none (a
 * custom module, at its path in the tree) where the model cannot be rebuilt from one.
 */
export function moduleSpec(model: AnyModule): ModuleSpec {
  const spec = model.spec();
  if (spec !== null) return spec;
  // find the culprit: the first module without a spec whose children all have one (or that has none)
  for (const [path, m] of model.namedModules()) {
    if (m.spec() === null && m.children().every((c) => c.spec() !== null)) {
      const where = path === '' ? 'the model itself' : `layer '${path}'`;
      throw new Error(`${where} (${m.constructor.name}) is not a built-in module, so a file cannot rebuild it`);
    }
  }
  throw new Error(`${model.constructor.name} is not a built-in module, so a file cannot rebuild it`);
}

/** Rebuilds a module from its spec (fresh parameters: load the weights after). */
export function buildModule(spec: unknown, path = ''): AnyModule {
  const where = path === '' ? 'module spec' : `module spec at '${path}'`;
  if (typeof spec !== 'object' || spec === null || typeof (spec as ModuleSpec).type !== 'string') {
    throw new Error(`${where}: expected an object with a 'type', got ${JSON.stringify(spec)?.slice(0, 80)}`);
  }
  const { type, args = [], children } = spec as ModuleSpec;
  const build = BUILDERS[type];
  if (build === undefined) throw new Error(`${where}: unknown module type '${type}' (known: ${BUILT_IN_MODULES.join(', ')})`);
  if (!Array.isArray(args)) throw new Error(`${where}: 'args' of ${type} must be an array, got ${JSON.stringify(args)}`);
  const sub = (name: string): string => (path === '' ? name : `${path}.${name}`);
  const built = Array.isArray(children)
    ? children.map((c, i) => buildModule(c, sub(String(i))))
    : Object.fromEntries(Object.entries(children ?? {}).map(([name, c]) => [name, c === null ? null : buildModule(c, sub(name))]));
  try {
    return build(args, built);
  } catch (e) {
    throw new Error(`${where}: ${type}: ${(e as Error).message}`);
  }
}
