/**
 * Building an ONNX graph one node at a time: unique value names, float32 and int64 initializers,
 * typed attributes. What `exportOnnx` (export.ts) writes the module tree into. Browser-safe.
 */
import { AttributeType, type AttributeProto, DataType, type NodeProto, type TensorProto } from './schema.js';

/** An attribute value, tagged with its ONNX type (`LeakyRelu`'s `alpha` is a float even when it is 1). */
export type Attribute = { int: number } | { ints: readonly number[] } | { float: number } | { string: string };

/** An `INT` attribute. */
export const int = (v: number): Attribute => ({ int: v });
/** An `INTS` attribute. */
export const ints = (v: readonly number[]): Attribute => ({ ints: v });
/** A `FLOAT` attribute. */
export const float = (v: number): Attribute => ({ float: v });

function attributeProto(name: string, a: Attribute): AttributeProto {
  if ('int' in a) return { name, type: AttributeType.INT, i: a.int };
  if ('ints' in a) return { name, type: AttributeType.INTS, ints: [...a.ints] };
  if ('float' in a) return { name, type: AttributeType.FLOAT, f: a.float };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.string) };
}

/** `values` as little-endian float32 bytes (ONNX's `raw_data` layout, whatever the host's order). */
function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

/** `values` as little-endian int64 bytes. */
function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]), true);
  return bytes;
}

/** The nodes and initializers of a graph under construction, every name unique. */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();

  /** `name`, or `name_1`, `name_2`, … if it is taken; reserves it. */
  unique(name: string): string {
    let out = name;
    for (let i = 1; this.names.has(out); i++) out = `${name}_${i}`;
    this.names.add(out);
    return out;
  }

  /** A float32 initializer of shape `dims` (a float64 source is rounded to float32); returns its name. */
  float32(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: DataType.FLOAT, rawData: float32Bytes(values) });
    return unique;
  }

  /** An int64 initializer of shape `dims`; returns its name. */
  int64(name: string, dims: readonly number[], values: readonly number[]): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: DataType.INT64, rawData: int64Bytes(values) });
    return unique;
  }

  /**
   * Reserves `name` exactly (a graph input or output, which must keep the caller's name); throws if
   * it is taken.
   */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`the name '${name}' is used twice in the graph`);
    this.names.add(name);
    return name;
  }

  /**
   * Appends the node `opType(inputs…)` with `attributes`, named `name` (made unique); its one output
   * is named after the node, or `output` (a name already reserved). Returns the output's name.
   */
  node(opType: string, inputs: readonly string[], name: string, attributes: Record<string, Attribute> = {}, output?: string): string {
    const nodeName = this.unique(name);
    const out = output ?? nodeName;
    this.nodes.push({
      input: [...inputs],
      output: [out],
      name: nodeName,
      opType,
      attribute: Object.entries(attributes).map(([k, v]) => attributeProto(k, v)),
    });
    return out;
  }

  /**
   * Renames the value `from` to the reserved name `to` when `from` is the last node's output (the
   * graph's result); returns whether it did (if not, the caller adds an `Identity` node).
   */
  renameLastOutput(from: string, to: string): boolean {
    const last = this.nodes.at(-1);
    if (last === undefined || last.output[0] !== from) return false;
    last.output[0] = to;
    return true;
  }
}
