/**
 * The types schema.ts uses of onnx-subset.generated.js — the static protobufjs code that
 * `npm run gen:onnx-proto` generates from onnx-subset.proto (pbjs static-module): per message,
 * plain encode/decode/verify/fromObject/toObject functions, no eval.
 */
/** What a generated message class offers (the subset used here). */
export interface GeneratedMessage {
  /** Null when `object` is a valid message, else why not. */
  verify(object: Record<string, unknown>): string | null;
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(
    message: unknown,
    options: { longs: NumberConstructor; bytes: Uint8ArrayConstructor; arrays: boolean; defaults: boolean },
  ): Record<string, unknown>;
}

/** The `onnx` package's messages. */
export declare const onnx: { ModelProto: GeneratedMessage };
