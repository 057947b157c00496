/**
 * The opsets an export may target: 13 (Pad's pads as an input, the ops used here unchanged since)
 * to 21. A file of its own, without protobufjs, so that the CLI can name them in its help without
 * loading the encoder.
 */
export const ONNX_OPSETS = { min: 13, max: 21 } as const;
