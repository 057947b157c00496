/**
 * Training checkpoints on disk (Node.js only): everything `fit` needs to continue a run exactly
 * after an epoch (`FitCheckpoint`: the model's parameters and buffers, the optimizer's state, the
 * scheduler's, the data order's and augmentation's generator, the epochs so far), plus what the
 * caller adds (`extra`: the CLI records its arguments there).
 *
 * The format, in a directory of its own:
 * - `epoch-K.safetensors` — every typed array of the checkpoint as a flat tensor, named by its path
 *   in the checkpoint with `/` between the keys (`model/0.weight`, `optimizer/state/3/momentumBuffer`);
 *   `epoch-K-batch-B.safetensors` for a checkpoint written in the middle of epoch K + 1, after B
 *   of its batches (an interrupted run: `FitCheckpoint.partial`, with the epoch's data order);
 * - `checkpoint.json` — the rest as JSON, each typed array replaced by `{"$tensor": NAME}`, with
 *   `"tensors": "epoch-K.safetensors"` naming the file that holds them.
 *
 * A save writes the tensors file, then `checkpoint.json`, each atomically (a temporary file
 * renamed), then removes the other `epoch-*.safetensors`: a crash at any point leaves a directory whose
 * `checkpoint.json` names a complete tensors file — the new checkpoint or the one before.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import type { FitCheckpoint } from './fit.js';
import { decodeSafetensors, encodeSafetensors } from '../io/safetensors.js';
import { errorMessage, readFileBytes, writeFileAtomic } from '../data/files.js';

/** The name of a checkpoint directory's JSON file. */
export const CHECKPOINT_FILE = 'checkpoint.json';

/** The names of a checkpoint's tensors files. */
const TENSORS_FILE = /^epoch-\d+(-batch-\d+)?\.safetensors$/;

type Typed = Float32Array | Float64Array | Int32Array;

function isTyped(v: unknown): v is Typed {
  return v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array;
}

/** `value` as JSON-ready data, its typed arrays moved into `tensors` under their paths. */
function extract(value: unknown, path: string[], tensors: Record<string, Tensor>): unknown {
  if (isTyped(value)) {
    const name = path.join('/');
    tensors[name] = new Tensor(value.slice(), [value.length]);
    return { $tensor: name };
  }
  if (Array.isArray(value)) return value.map((v, i) => extract(v, [...path, String(i)], tensors));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, extract(v, [...path, k], tensors)]));
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error(`saveCheckpoint: ${path.join('/')} is ${value}, which JSON cannot hold`);
  return value;
}

/** The inverse of `extract`: `{"$tensor": NAME}` replaced by the typed array of that tensor. */
function restore(value: unknown, tensors: Record<string, Tensor>, file: string): unknown {
  if (Array.isArray(value)) return value.map((v) => restore(v, tensors, file));
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$tensor') {
      const name = (value as { $tensor: unknown }).$tensor;
      if (typeof name !== 'string' || !Object.hasOwn(tensors, name))
        throw new Error(`loadCheckpoint: ${file} has no tensor ${JSON.stringify(name)}`);
      return tensors[name].data.slice();
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restore(v, tensors, file)]));
  }
  return value;
}

/**
 * Writes `checkpoint` (and `extra`, any JSON-ready data) into the directory `dir`, creating it,
 * as described in this file's header; returns the path of the tensors file.
 */
export function saveCheckpoint(dir: string, checkpoint: FitCheckpoint, extra: Record<string, unknown> = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const tensors: Record<string, Tensor> = {};
  const data = extract(checkpoint, [], tensors);
  const file =
    checkpoint.partial === undefined
      ? `epoch-${checkpoint.epoch}.safetensors`
      : `epoch-${checkpoint.epoch}-batch-${checkpoint.partial.batch}.safetensors`;
  writeFileAtomic(
    join(dir, file),
    encodeSafetensors(tensors, {
      format: 'convnet-ts checkpoint',
      epoch: String(checkpoint.epoch),
      ...(checkpoint.partial === undefined ? {} : { batch: String(checkpoint.partial.batch) }),
    }),
    'checkpoint',
  );
  const json = JSON.stringify({ format: 'convnet-ts checkpoint', version: 1, tensors: file, checkpoint: data, extra });
  writeFileAtomic(join(dir, CHECKPOINT_FILE), new TextEncoder().encode(`${json}\n`), 'checkpoint');
  for (const name of fs.readdirSync(dir)) {
    if (TENSORS_FILE.test(name) && name !== file) fs.rmSync(join(dir, name), { force: true });
  }
  return join(dir, file);
}

/**
 * Reads the checkpoint that `saveCheckpoint` wrote into `dir`: the `FitCheckpoint` to pass to
 * `fit`'s `resumeFrom`, and the `extra` saved with it. A missing or malformed directory is an
 * error naming the file.
 */
export function loadCheckpoint(dir: string): { checkpoint: FitCheckpoint; extra: Record<string, unknown> } {
  const jsonPath = join(dir, CHECKPOINT_FILE);
  if (!fs.existsSync(jsonPath)) throw new Error(`loadCheckpoint: ${dir} holds no checkpoint (${CHECKPOINT_FILE} is missing)`);
  let parsed: { format?: unknown; version?: unknown; tensors?: unknown; checkpoint?: unknown; extra?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(readFileBytes(jsonPath, 'checkpoint'))) as typeof parsed;
  } catch (e) {
    throw new Error(`loadCheckpoint: ${jsonPath} is not a checkpoint: ${errorMessage(e)}`, { cause: e });
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.format !== 'convnet-ts checkpoint' || parsed.version !== 1) {
    throw new Error(`loadCheckpoint: ${jsonPath} is not a convnet-ts checkpoint of version 1`);
  }
  if (typeof parsed.tensors !== 'string' || !TENSORS_FILE.test(parsed.tensors)) {
    throw new Error(`loadCheckpoint: ${jsonPath} names no tensors file (got ${JSON.stringify(parsed.tensors)})`);
  }
  const tensorPath = join(dir, parsed.tensors);
  let tensors: Record<string, Tensor>;
  try {
    tensors = decodeSafetensors(readFileBytes(tensorPath, 'checkpoint')).tensors;
  } catch (e) {
    throw new Error(`loadCheckpoint: cannot read ${tensorPath}: ${errorMessage(e)}`, { cause: e });
  }
  const checkpoint = restore(parsed.checkpoint, tensors, tensorPath) as FitCheckpoint;
  const extra = (typeof parsed.extra === 'object' && parsed.extra !== null ? parsed.extra : {}) as Record<string, unknown>;
  return { checkpoint, extra };
}
