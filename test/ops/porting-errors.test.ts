/**
 * Errors a PyTorch user porting code meets first, each with the fix in it: an unbatched batch of
 * grayscale images, channels-last input, an error deep in a Sequential, a bad layer size, an
 * unknown dtype.
 */
import { describe, expect, it } from 'vitest';
import { F, cat, nn, randn, reshape, tensor, zeros } from '../../src/index.js';

describe('convolution input layouts', () => {
  const conv = new nn.Conv2d(1, 4, 3);
  it('an (N, H, W) batch for a one-channel layer: add the channel axis with unsqueeze(1)', () => {
    expect(() => conv.forward(randn([8, 28, 28]))).toThrow(
      'conv2d: weight [4, 1, 3, 3] with groups 1 expects 1 input channel, but input [8, 28, 28] has 8: it looks like a batch of 8 images ' +
        'without the channel axis; add it with x.unsqueeze(1) (giving [8, 1, 28, 28]), as convolutions take (N, C, H, W), or (C, H, W) for one input',
    );
    // the advice works
    expect(conv.forward(randn([8, 28, 28]).unsqueeze(1)).shape).toEqual([8, 4, 26, 26]);
  });

  it('channels-last input: the layout is NCHW, with the permutation that fixes it', () => {
    const rgb = new nn.Conv2d(3, 4, 3);
    expect(() => rgb.forward(randn([2, 28, 28, 3]))).toThrow(
      'conv2d: weight [4, 3, 3, 3] with groups 1 expects 3 input channels, but input [2, 28, 28, 3] has 28: it looks channels-last (N, H, W, C), ' +
        'but convolutions take the channels first (N, C, H, W): use x.permute(0, 3, 1, 2)',
    );
    expect(() => rgb.forward(randn([28, 28, 3]))).toThrow(
      /has 28: it looks channels-last \(H, W, C\), .*\(C, H, W\): use x\.permute\(2, 0, 1\)$/,
    );
    expect(() => F.conv1d(randn([2, 50, 3]), randn([4, 3, 5]))).toThrow(
      /it looks channels-last \(N, L, C\), .*\(N, C, L\): use x\.permute\(0, 2, 1\)$/,
    );
    expect(() => F.convTranspose2d(randn([2, 9, 9, 3]), randn([3, 4, 3, 3]))).toThrow(/use x\.permute\(0, 3, 1, 2\)$/);
    expect(rgb.forward(randn([2, 28, 28, 3]).permute(0, 3, 1, 2)).shape).toEqual([2, 4, 26, 26]);
  });

  it('a channel count that fits neither layout gets no advice', () => {
    expect(() => new nn.Conv2d(3, 4, 3).forward(randn([2, 5, 28, 28]))).toThrow(
      /expects 3 input channels, but input \[2, 5, 28, 28\] has 5$/,
    );
  });
});

describe('errors inside a Sequential', () => {
  it('name the layer index and the layer', () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(10, 2));
    expect(() => model.forward(randn([2, 1, 8, 8]))).toThrow(
      'linear: input [2, 144] has 144 features but weight [2, 10] expects 10 (in layer 3: Linear(10, 2))',
    );
  });

  it('through nested Sequentials as a dotted path, and inside a fused block at the layer whose op failed', () => {
    const inner = new nn.Sequential(new nn.Conv2d(4, 4, 3), new nn.ReLU(), new nn.MaxPool2d(5));
    const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), inner);
    expect(() => model.forward(randn([1, 1, 6, 6]))).toThrow(/^maxPool2d: .* \(in layer 1\.2: MaxPool2d\(kernelSize=5\)\)$/);
    expect(() => model.forward(randn([1, 3, 6, 6]))).toThrow(/^conv2d: .* \(in layer 0: Conv2d\(1, 4, kernelSize=3, padding=1\)\)$/);
  });
});

describe('layer construction', () => {
  it('a bad kernel size is reported by the layer, not by the weight initializer', () => {
    expect(() => new nn.Conv2d(1, 4, -3)).toThrow('Conv2d: kernelSize must be a positive integer or a pair of them, got -3');
    expect(() => new nn.ConvTranspose2d(1, 4, [3, 0])).toThrow(
      'ConvTranspose2d: kernelSize must be a positive integer or a pair of them, got [3,0]',
    );
    expect(
      () =>
        new nn.LinkedConv2d(2, 2, 2.5, {
          table: [
            [1, 1],
            [1, 0],
          ],
        }),
    ).toThrow('LinkedConv2d: kernelSize must be a positive integer or a pair of them, got 2.5');
    expect(() => new nn.Conv2d(1, 0, 3)).toThrow('Conv2d: outChannels must be a positive integer, got 0');
  });
});

describe('dtypes', () => {
  it('an unknown dtype names the supported ones', () => {
    expect(() => zeros([2], { dtype: 'float16' as never })).toThrow('zeros: unknown dtype "float16" (supported: float32, float64, int32)');
    expect(() => tensor([1], { dtype: 'int64' as never })).toThrow('tensor: unknown dtype "int64" (supported: float32, float64, int32)');
    expect(() => randn([1], { dtype: 'bfloat16' as never })).toThrow(/^randn: unknown dtype "bfloat16"/);
  });
});

describe('arguments that are not tensors', () => {
  it('name the op and the argument, and how to make a tensor', () => {
    const w = randn([4, 1, 3, 3]);
    expect(() => F.conv2d(null as never, w)).toThrow("conv2d: argument 'input' must be a Tensor, got null");
    expect(() => F.conv2d(randn([1, 1, 5, 5]), [1, 2] as never)).toThrow(
      "conv2d: argument 'weight' must be a Tensor, got an array (make one with tensor([...]))",
    );
    expect(() => F.conv2d(randn([1, 1, 5, 5]), w, 3 as never)).toThrow(
      "conv2d: argument 'bias' must be a Tensor or null, got the number 3",
    );
    expect(() => F.linear(new Float32Array(4) as never, randn([2, 4]))).toThrow(
      "linear: argument 'input' must be a Tensor, got a Float32Array (make one with tensor(data, { shape }))",
    );
    expect(() => cat([randn([2]), [1, 2]] as never)).toThrow(
      'cat: tensors[1] must be a Tensor, got an array (make one with tensor([...]))',
    );
    expect(() => reshape(undefined as never, [2])).toThrow(
      "reshape: argument 'input' must be a Tensor, got undefined (a missing argument?)",
    );
    expect(() => F.subsampling(randn([1, 2, 4, 4]), randn([2]), null as never)).toThrow(
      "subsampling: argument 'bias' must be a Tensor, got null",
    );
  });
});

describe('arguments of the elementwise ops, activations, pooling and losses', () => {
  it('are checked the same way', () => {
    const x = randn([2, 3]);
    expect(() => x.add('x' as never)).toThrow('add: argument \'other\' must be a Tensor or a number, got string "x"');
    expect(() => F.relu([1, 2] as never)).toThrow("relu: argument 'input' must be a Tensor, got an array (make one with tensor([...]))");
    expect(() => F.maxPool2d(null as never, { kernelSize: 2 })).toThrow("maxPool2d: argument 'input' must be a Tensor, got null");
    expect(() => F.crossEntropy(x, null as never)).toThrow(
      "crossEntropy: argument 'target' must be a Tensor or an array of class indices, got null",
    );
    expect(() => F.mseLoss(x, undefined as never)).toThrow(
      "mseLoss: argument 'target' must be a Tensor, got undefined (a missing argument?)",
    );
    expect(() => x.to('float16' as never)).toThrow('cast: unknown dtype "float16" (supported: float32, float64, int32)');
  });
});
