/**
 * The part of the ONNX schema (onnx/onnx.proto, `package onnx`) that an exported model uses, as
 * protobufjs reflection types: the messages a model file is made of, with onnx.proto's field
 * numbers, wire types and packing, so that protobufjs writes (and reads) the bytes — no schema file
 * at run time, no hand-written encoder. Field names are onnx.proto's in camelCase (protobufjs's
 * convention; only the numbers and types reach the wire). Fields an exporter never sets
 * (sparse tensors, training info, segments, external data) are left out: a reader skips them.
 *
 * Browser-safe: bytes in, bytes out.
 */
import protobuf from 'protobufjs/light.js';

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

type Rule = 'optional' | 'repeated';

/** `[name, field number, type, rule, packed]` of each field, in onnx.proto's order within a message. */
type FieldRow = [string, number, string, Rule?, boolean?];

/**
 * The messages, with onnx.proto's numbers. onnx.proto is proto2: repeated scalars are unpacked
 * unless marked `[packed = true]` (TensorProto's `*_data` fields are; `dims` and the attribute lists
 * are not). `TensorShapeProto.Dimension` and `TypeProto.Tensor` are nested in onnx.proto; the
 * nesting does not reach the wire, so they are top-level here.
 */
const MESSAGES: Record<string, FieldRow[]> = {
  StringStringEntryProto: [
    ['key', 1, 'string'],
    ['value', 2, 'string'],
  ],
  OperatorSetIdProto: [
    ['domain', 1, 'string'],
    ['version', 2, 'int64'],
  ],
  TensorProto: [
    ['dims', 1, 'int64', 'repeated', false],
    ['dataType', 2, 'int32'],
    ['floatData', 4, 'float', 'repeated', true],
    ['int32Data', 5, 'int32', 'repeated', true],
    ['stringData', 6, 'bytes', 'repeated'],
    ['int64Data', 7, 'int64', 'repeated', true],
    ['name', 8, 'string'],
    ['rawData', 9, 'bytes'],
    ['doubleData', 10, 'double', 'repeated', true],
    ['docString', 12, 'string'],
  ],
  AttributeProto: [
    ['name', 1, 'string'],
    ['f', 2, 'float'],
    ['i', 3, 'int64'],
    ['s', 4, 'bytes'],
    ['t', 5, 'TensorProto'],
    ['g', 6, 'GraphProto'],
    ['floats', 7, 'float', 'repeated', false],
    ['ints', 8, 'int64', 'repeated', false],
    ['strings', 9, 'bytes', 'repeated'],
    ['tensors', 10, 'TensorProto', 'repeated'],
    ['graphs', 11, 'GraphProto', 'repeated'],
    ['docString', 13, 'string'],
    ['type', 20, 'int32'],
    ['refAttrName', 21, 'string'],
  ],
  NodeProto: [
    ['input', 1, 'string', 'repeated'],
    ['output', 2, 'string', 'repeated'],
    ['name', 3, 'string'],
    ['opType', 4, 'string'],
    ['attribute', 5, 'AttributeProto', 'repeated'],
    ['docString', 6, 'string'],
    ['domain', 7, 'string'],
  ],
  TensorShapeProtoDimension: [
    ['dimValue', 1, 'int64'],
    ['dimParam', 2, 'string'],
    ['denotation', 3, 'string'],
  ],
  TensorShapeProto: [['dim', 1, 'TensorShapeProtoDimension', 'repeated']],
  TypeProtoTensor: [
    ['elemType', 1, 'int32'],
    ['shape', 2, 'TensorShapeProto'],
  ],
  TypeProto: [
    ['tensorType', 1, 'TypeProtoTensor'],
    ['denotation', 6, 'string'],
  ],
  ValueInfoProto: [
    ['name', 1, 'string'],
    ['type', 2, 'TypeProto'],
    ['docString', 3, 'string'],
  ],
  GraphProto: [
    ['node', 1, 'NodeProto', 'repeated'],
    ['name', 2, 'string'],
    ['initializer', 5, 'TensorProto', 'repeated'],
    ['docString', 10, 'string'],
    ['input', 11, 'ValueInfoProto', 'repeated'],
    ['output', 12, 'ValueInfoProto', 'repeated'],
    ['valueInfo', 13, 'ValueInfoProto', 'repeated'],
  ],
  ModelProto: [
    ['irVersion', 1, 'int64'],
    ['producerName', 2, 'string'],
    ['producerVersion', 3, 'string'],
    ['domain', 4, 'string'],
    ['modelVersion', 5, 'int64'],
    ['docString', 6, 'string'],
    ['graph', 7, 'GraphProto'],
    ['opsetImport', 8, 'OperatorSetIdProto', 'repeated'],
    ['metadataProps', 14, 'StringStringEntryProto', 'repeated'],
  ],
};

/** The `onnx` namespace with every message of `MESSAGES`, built once on first use. */
let modelType: protobuf.Type | null = null;

function modelProtoType(): protobuf.Type {
  if (modelType !== null) return modelType;
  const onnx = new protobuf.Namespace('onnx');
  for (const [name, fields] of Object.entries(MESSAGES)) {
    const type = new protobuf.Type(name);
    for (const [field, id, fieldType, rule, packed] of fields) {
      type.add(new protobuf.Field(field, id, fieldType, rule ?? 'optional', undefined, packed === undefined ? undefined : { packed }));
    }
    onnx.add(type);
  }
  new protobuf.Root().add(onnx).resolveAll();
  modelType = onnx.lookupType('ModelProto');
  return modelType;
}

/** The bytes of an ONNX model file (`ModelProto`, protobuf binary). */
export function encodeModelProto(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const invalid = type.verify(model);
  if (invalid !== null) throw new Error(`encodeModelProto: not a valid ModelProto: ${invalid}`);
  const bytes = type.encode(type.fromObject(model)).finish();
  // protobufjs gives a Node Buffer in Node: hand back a plain Uint8Array over the same bytes
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * An ONNX model file's `ModelProto` as a plain object (int64 fields as numbers, bytes as
 * Uint8Array), with only the fields of `MESSAGES` (the others are skipped).
 */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array, arrays: true, defaults: false }) as ModelProto;
}
