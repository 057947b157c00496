/**
 * Reading work descriptors: the JS side writes a kernel's arguments as consecutive i32 values
 * into linear memory and passes their address, so that every thread of a parallel kernel reads
 * the same arguments. The fields of each descriptor are named in abi.ts (`ConvDesc`, …), the one
 * source of their order for both sides.
 */
import { ConvDesc } from './abi';

/** The i32 field `i` of the descriptor at `desc`. */
// @ts-ignore: decorator
@inline
export function field(desc: usize, i: i32): i32 {
  return load<i32>(desc + ((<usize>i) << 2));
}

/** A pointer field. */
// @ts-ignore: decorator
@inline
export function ptr(desc: usize, i: i32): usize {
  return <usize>load<u32>(desc + ((<usize>i) << 2));
}

/** First of the work units `[0, units)` that belong to chunk `chunk` of `chunks` (contiguous runs). */
// @ts-ignore: decorator
@inline
export function chunkStart(units: i32, chunk: i32, chunks: i32): i32 {
  return <i32>((<i64>units * <i64>chunk) / <i64>chunks);
}

/** Height of the planes a convolution reads: the input's, padded. */
// @ts-ignore: decorator
@inline
export function paddedH(desc: usize): i32 {
  return field(desc, ConvDesc.h) + field(desc, ConvDesc.padTop) + field(desc, ConvDesc.padBottom);
}

/** Width of the planes a convolution reads: the input's, padded. */
// @ts-ignore: decorator
@inline
export function paddedW(desc: usize): i32 {
  return field(desc, ConvDesc.w) + field(desc, ConvDesc.padLeft) + field(desc, ConvDesc.padRight);
}

/** Whether the convolution has any padding (then images are read from zero-padded copies). */
// @ts-ignore: decorator
@inline
export function isPadded(desc: usize): bool {
  return (
    (field(desc, ConvDesc.padTop) | field(desc, ConvDesc.padBottom) | field(desc, ConvDesc.padLeft) | field(desc, ConvDesc.padRight)) != 0
  );
}
