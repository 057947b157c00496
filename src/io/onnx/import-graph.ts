/**
 * Reading an ONNX graph for `importOnnx` (import.ts): its constants (initializers and `Constant`
 * nodes, widened to float64), each node's attributes with ONNX's defaults, which node consumes
 * which value, and what lies outside the imported subset. Browser-safe.
 */
import { shapeStr } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type AttributeProto, AttributeType, DataType, type GraphProto, type NodeProto, type TensorProto } from './schema.js';

/** A constant of the graph (an initializer or a `Constant` node's value), its values widened to float64. */
export interface Constant {
  dims: number[];
  values: Float64Array;
}

/** The values of a `TensorProto` (float32 or int64, in `raw_data` or the typed fields). */
export function constantOf(t: TensorProto, where: string): Constant {
  const dims = (t.dims ?? []).map(Number);
  const size = dims.reduce((a, b) => a * b, 1);
  const raw =
    t.rawData !== undefined && t.rawData.length > 0 ? new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : null;
  const values = new Float64Array(size);
  const typed = t as TensorProto & { floatData?: number[]; int64Data?: number[] };
  if (t.dataType === DataType.FLOAT) {
    for (let i = 0; i < size; i++) values[i] = raw !== null ? raw.getFloat32(i * 4, true) : (typed.floatData?.[i] ?? NaN);
  } else if (t.dataType === DataType.INT64) {
    for (let i = 0; i < size; i++) values[i] = raw !== null ? Number(raw.getBigInt64(i * 8, true)) : (typed.int64Data?.[i] ?? NaN);
  } else {
    throw new Error(`importOnnx: ${where} has element type ${t.dataType}; float32 (1) and int64 (7) are supported`);
  }
  if (raw !== null && raw.byteLength < size * (t.dataType === DataType.FLOAT ? 4 : 8)) {
    throw new Error(`importOnnx: ${where} has ${raw.byteLength} bytes of data for shape ${shapeStr(dims)}`);
  }
  return { dims, values };
}

/** A node as messages name it: `Conv 'layer1.0/conv1/Conv'`. */
export function nodeName(n: NodeProto): string {
  return `${n.opType} '${n.name ?? ''}'`;
}

/** The node's attributes by name, read with their ONNX defaults. */
export class Attributes {
  private readonly byName: Map<string, AttributeProto>;
  constructor(readonly node: NodeProto) {
    this.byName = new Map((node.attribute ?? []).map((a) => [a.name, a]));
  }
  names(): string[] {
    return [...this.byName.keys()];
  }
  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a === undefined ? fallback : Number(a.i ?? 0);
  }
  ints(name: string, fallback: number[]): number[] {
    const a = this.byName.get(name);
    return a === undefined ? fallback : (a.ints ?? []).map(Number);
  }
  float(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a === undefined ? fallback : (a.f ?? 0);
  }
  string(name: string, fallback: string): string {
    const a = this.byName.get(name);
    return a === undefined || a.s === undefined ? fallback : new TextDecoder().decode(a.s);
  }
}

/** The attributes each operator may carry (others are reported), and the operators imported. */
const ATTRIBUTES: Record<string, string[]> = {
  Conv: ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad'],
  ConvTranspose: ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad', 'output_padding'],
  Gemm: ['alpha', 'beta', 'transA', 'transB'],
  MatMul: [],
  MaxPool: ['kernel_shape', 'strides', 'pads', 'dilations', 'ceil_mode', 'auto_pad', 'storage_order'],
  AveragePool: ['kernel_shape', 'strides', 'pads', 'ceil_mode', 'auto_pad', 'count_include_pad'],
  GlobalAveragePool: [],
  Relu: [],
  LeakyRelu: ['alpha'],
  Tanh: [],
  Sigmoid: [],
  Flatten: ['axis'],
  Reshape: ['allowzero'],
  BatchNormalization: ['epsilon', 'momentum', 'training_mode'],
  Dropout: ['seed', 'ratio'],
  Identity: [],
  Add: [],
  Mul: [],
  Sub: [],
  Div: [],
  Pad: ['mode'],
  Constant: ['value'],
};

/** The operators `importOnnx` reads, for messages. */
export const IMPORTABLE_OPERATORS: readonly string[] = Object.keys(ATTRIBUTES);

/**
 * What is wrong with node `n` on its own (an operator or attribute outside the subset, a weight
 * that is not a constant), as `Op 'name': why`; empty when nothing is.
 */
export function nodeProblems(n: NodeProto, isConstant: (name: string) => boolean): string[] {
  const allowed = ATTRIBUTES[n.opType];
  if (n.domain !== undefined && n.domain !== '' && n.domain !== 'ai.onnx') return [`${nodeName(n)}: operator of domain '${n.domain}'`];
  if (allowed === undefined) return [`${nodeName(n)}: no mapping to a layer`];
  const a = new Attributes(n);
  const out: string[] = [];
  const extra = a.names().filter((k) => !allowed.includes(k));
  if (extra.length > 0) out.push(`${nodeName(n)}: attribute${extra.length === 1 ? '' : 's'} ${extra.join(', ')}`);
  if (a.string('auto_pad', 'NOTSET') !== 'NOTSET')
    out.push(`${nodeName(n)}: auto_pad ${a.string('auto_pad', '')} (only NOTSET, explicit pads)`);
  const weights = {
    Conv: [1, 2],
    ConvTranspose: [1, 2],
    Gemm: [1, 2],
    MatMul: [1],
    BatchNormalization: [1, 2, 3, 4],
    Reshape: [1],
    Pad: [1, 2],
  };
  for (const i of weights[n.opType as keyof typeof weights] ?? []) {
    const input = n.input[i];
    if (input !== undefined && input !== '' && !isConstant(input)) out.push(`${nodeName(n)}: input ${i} ('${input}') is not a constant`);
  }
  if ((n.opType === 'Conv' || n.opType === 'ConvTranspose' || n.opType.endsWith('Pool')) && a.ints('kernel_shape', [0, 0]).length !== 2) {
    out.push(`${nodeName(n)}: kernel_shape ${JSON.stringify(a.ints('kernel_shape', []))} is not 2-D`);
  }
  if (n.opType === 'ConvTranspose' && a.ints('output_shape', []).length > 0) out.push(`${nodeName(n)}: output_shape (give pads instead)`);
  if (n.opType === 'MaxPool' && a.ints('dilations', [1, 1]).some((d) => d !== 1)) out.push(`${nodeName(n)}: dilations other than 1`);
  if (n.opType === 'MaxPool' && n.output.length > 1 && n.output[1] !== '') out.push(`${nodeName(n)}: the Indices output`);
  if (n.opType === 'Gemm' && (a.float('alpha', 1) !== 1 || a.float('beta', 1) !== 1 || a.int('transA', 0) !== 0)) {
    out.push(`${nodeName(n)}: alpha, beta other than 1 or transA`);
  }
  if (n.opType === 'BatchNormalization' && a.int('training_mode', 0) !== 0) out.push(`${nodeName(n)}: training_mode 1`);
  if (n.opType === 'Pad' && a.string('mode', 'constant') !== 'constant') out.push(`${nodeName(n)}: mode ${a.string('mode', '')}`);
  if (n.opType === 'Reshape' && a.int('allowzero', 0) !== 0) out.push(`${nodeName(n)}: allowzero 1`);
  return out;
}

/** A model's input value, its nodes by the values they consume, and its constants. */
export class Graph {
  readonly constants = new Map<string, Constant>();
  private readonly users = new Map<string, NodeProto[]>();
  /** Problems found while matching patterns (`Op 'name': why`). */
  readonly unsupported: string[] = [];
  readonly visited = new Set<NodeProto>();

  constructor(readonly proto: GraphProto) {
    for (const t of proto.initializer ?? []) this.constants.set(t.name, constantOf(t, `initializer '${t.name}'`));
    for (const n of proto.node ?? []) {
      if (n.opType !== 'Constant') continue;
      const value = (n.attribute ?? []).find((a) => a.name === 'value' && a.type === AttributeType.TENSOR)?.t;
      if (value === undefined)
        throw new Error(`importOnnx: ${nodeName(n)} has no tensor 'value' (value_float, value_ints… are not supported)`);
      this.constants.set(n.output[0], constantOf(value, nodeName(n)));
    }
    for (const n of proto.node ?? []) {
      for (const input of new Set(n.input)) {
        if (input === '' || this.constants.has(input)) continue;
        this.users.set(input, [...(this.users.get(input) ?? []), n]);
      }
    }
  }

  /** The nodes that take value `v` as an input. */
  usersOf(v: string): NodeProto[] {
    return this.users.get(v) ?? [];
  }

  /** The one node that takes `n`'s output, when there is exactly one and the output is not the graph's. */
  soleNext(n: NodeProto, opTypes: readonly string[]): NodeProto | null {
    const v = n.output[0];
    const users = this.usersOf(v);
    const isOutput = (this.proto.output ?? []).some((o) => o.name === v);
    return users.length === 1 && !isOutput && opTypes.includes(users[0].opType) ? users[0] : null;
  }

  /** The constant input `i` of `n` (checked to be one by `nodeProblems`), or null where it is absent. */
  constant(n: NodeProto, i: number): Constant | null {
    const name = n.input[i];
    return name === undefined || name === '' ? null : (this.constants.get(name) ?? null);
  }

  /** Whether `n` adds two computed values (a residual join), not a constant. */
  isJoin(n: NodeProto): boolean {
    return n.opType === 'Add' && n.input.length === 2 && n.input.every((v) => v !== '' && !this.constants.has(v));
  }
}

/** `values` into a parameter or buffer of the same size. */
export function fill(t: Tensor | null, c: Constant, what: string): void {
  if (t === null) return;
  if (t.size !== c.values.length) throw new Error(`importOnnx: ${what} has ${c.values.length} values, the layer expects ${t.size}`);
  t.data.set(c.values);
}

/** `w` (rows, cols) transposed, as (cols, rows). */
export function transpose2d(c: Constant): Constant {
  const [rows, cols] = c.dims;
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) values[k * rows + r] = c.values[r * cols + k];
  return { dims: [cols, rows], values };
}
