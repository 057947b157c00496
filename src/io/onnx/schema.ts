/**
 * The ONNX model file as plain objects, and its bytes: the messages of the part of the ONNX schema
 * that convnet-ts writes and reads (proto/onnx-subset.proto: onnx.proto's field numbers, wire
 * types and packing), encoded and decoded by the static code protobufjs's generator writes from
 * that file (proto/onnx-subset.generated.js, `npm run gen:onnx-proto`) — no hand-written encoder,
 * and no eval at run time, so a page whose Content-Security-Policy forbids 'unsafe-eval' can
 * export and import. Field names are onnx.proto's in camelCase (protobufjs's convention; only the
 * numbers and types reach the wire). Fields an exporter never sets (sparse tensors, training
 * info, external data) are left out: a reader skips them.
 *
 * Browser-safe: bytes in, bytes out.
 */
import { onnx } from './proto/onnx-subset.generated.js';

/** `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** `AttributeProto.AttributeType` values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** `TensorProto`: a named constant (an initializer), its data little-endian in `rawData`. */
export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

/** `AttributeProto`: exactly one of the value fields is set, as `type` says. */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
}

/** `NodeProto`: one operator application. */
export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain?: string;
  attribute: AttributeProto[];
  docString?: string;
}

/** `TensorShapeProto.Dimension`: a fixed size or a symbolic one (`'N'`, the batch). */
export type DimensionProto = { dimValue: number } | { dimParam: string };

/** `ValueInfoProto` of a tensor: its name, element type and shape. */
export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: DimensionProto[] } } };
  docString?: string;
}

/** `GraphProto`: nodes in topological order, initializers, inputs and outputs. */
export interface GraphProto {
  node: NodeProto[];
  name: string;
  initializer: TensorProto[];
  docString?: string;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

/** `ModelProto`: the file. */
export interface ModelProto {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion?: string;
  docString?: string;
  graph: GraphProto;
  metadataProps: { key: string; value: string }[];
}

/** The bytes of an ONNX model file (`ModelProto`, protobuf binary). */
export function encodeModelProto(model: ModelProto): Uint8Array {
  const type = onnx.ModelProto;
  const invalid = type.verify(model as unknown as Record<string, unknown>);
  if (invalid !== null) throw new Error(`encodeModelProto: not a valid ModelProto: ${invalid}`);
  const bytes = type.encode(type.fromObject(model as unknown as Record<string, unknown>)).finish();
  // protobufjs gives a Node Buffer in Node: hand back a plain Uint8Array over the same bytes
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * An ONNX model file's `ModelProto` as a plain object (int64 fields as numbers, bytes as
 * Uint8Array), with only the fields of onnx-subset.proto (the others are skipped).
 */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  const type = onnx.ModelProto;
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array, arrays: true, defaults: false }) as unknown as ModelProto;
}
