/**
 * ONNX interop (`import … from 'convnet-ts/onnx'`): `exportOnnx` writes a model as standard ONNX
 * operators, `importOnnx` reads one back into convnet-ts layers. An entry point of its own, because
 * it brings in `protobufjs` (CommonJS): the main entry point stays free of dependencies, loadable
 * by a browser as plain ES modules; this one is for Node and bundlers. (`saveOnnx`, which writes
 * a file, is in `convnet-ts/node`.)
 */
export { exportOnnx, ONNX_OPSETS, ONNX_METADATA_KEYS, type ExportOnnxOptions } from './io/onnx/export.js';
export { importOnnx } from './io/onnx/import.js';
export { IMPORTABLE_OPERATORS } from './io/onnx/import-graph.js';
