/**
 * The backend contract: every kernel a tensor op needs, on plain typed arrays in row-major order.
 *
 * Ops (`src/ops`) validate their arguments, compute shapes and geometry once, allocate outputs
 * and record gradients; a backend only fills output arrays. Two backends implement this:
 * - `ref`: plain loops that read like the formulas of SPEC.md. It is the specification: any
 *   other backend must agree with it on the same conformance suite. It handles every dtype.
 * - a fast backend plugs in behind the same interface (float32 only; float64 always runs on `ref`).
 *
 * Kernels write into `out` (zero-filled by the caller) and never keep references to their arguments.
 *
 * The accumulating kernels (`conv2dBackwardInput`, `maxPool2dBackward`, `avgPool2dBackward`) add
 * into `dx`. Their last argument `dxZeroed` is the caller's promise that `dx` holds only zeros
 * (a freshly allocated array, as every op passes): the result is the same either way, but a
 * backend that computes elsewhere (wasm's linear memory) may then write `dx` instead of copying
 * it in to add to it. Omitted or false, `dx` may hold anything and is added to.
 */
import type { TypedArray } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { ConvGeometry } from '../geometry/conv.js';
import type { PoolGeometry } from '../geometry/pool.js';

/** An activation that fused kernels apply elementwise: none, or one of the unary ops of that name. */
export type Activation = 'none' | 'relu' | 'tanh' | 'sigmoid';

/**
 * What follows the convolution in a fused block (`fusedConv2d`): an optional activation after the
 * bias, then an optional max pooling of the activated output.
 */
export interface ConvEpilogue {
  /** `a = f(z)` after the bias (`a = z` for 'none'), as `unary(activation)` computes it. */
  activation: Activation;
  /** Max pooling of `a` (its input is the convolution's output `[n, cOut, hOut, wOut]`), or null. */
  pool: PoolGeometry | null;
}

/** LeNet-5's trainable subsampling (S9): the pooling of its window and the activation after it. */
export interface SubsamplingSpec {
  pool: 'avg' | 'max';
  activation: Activation;
}

/** A convolution block's closing subsampling (S9): its pooling geometry, spec, and per-channel weight and bias. */
export interface SubsamplingStage {
  g: PoolGeometry;
  spec: SubsamplingSpec;
  weight: TypedArray;
  bias: TypedArray;
}

/** The gradients `convSubsamplingBackward` computes, each skipped when null. */
export interface ConvSubsamplingGrads {
  /** Added to (see `dxZeroed`). */
  dx: TypedArray | null;
  dw: TypedArray | null;
  db: TypedArray | null;
  /** The subsampling's weight and bias. */
  dStageWeight: TypedArray | null;
  dStageBias: TypedArray | null;
}

/**
 * One SGD step's settings (`torch.optim.SGD`): learning rate, momentum μ, dampening τ, Nesterov,
 * weight decay λ, and whether this is the momentum buffer's first step.
 */
export interface SgdStep {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  first: boolean;
}

/**
 * One Adam/AdamW step's settings: β₁, β₂, ε, weight decay λ (decoupled for AdamW), and the
 * step's `stepSize = lr / (1 − β₁ᵗ)`, `bc2Sqrt = √(1 − β₂ᵗ)` and AdamW's `decay = 1 − lr·λ`.
 */
export interface AdamStep {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  stepSize: number;
  bc2Sqrt: number;
  decay: number;
}

/** Elementwise functions of one tensor; `alpha` is the negative slope of `leakyRelu`, the exponent of `powScalar`. */
/**
 * What a batch normalization pass applies after `z = (x − mean)·(invStd·weight) + bias` (rounded
 * to the tensor's type): `a = z + residual` (the skip path of a residual unit, added in the
 * tensor's type as `binary('add')`), then `y = relu(a)` when `relu` — the values of the separate
 * ops, bit for bit. Its backward takes the output y for the relu's selection `y ≤ 0 ? 0 : dy`
 * and writes that gradient, ∂L/∂residual, into `dresidual`.
 */
export interface BatchNormEpilogue {
  /** Forward: `(N, C, L)` added after the affine, or null. */
  residual: TypedArray | null;
  /** Forward: apply the relu last; backward: select the gradient by the output `y` (given then). */
  relu: boolean;
}

/** The backward pass's view of a `BatchNormEpilogue`. */
export interface BatchNormEpilogueGrad {
  /** The forward output `y` when the forward applied the relu, else null. */
  y: TypedArray | null;
  /** ∂L/∂residual out (`(N, C, L)`), or null when there was no residual or it needs no gradient. */
  dresidual: TypedArray | null;
}

export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'abs' | 'square' | 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'powScalar';

/** Elementwise functions of two broadcast tensors; comparisons give 1 or 0. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'eq' | 'gt' | 'lt';

/** A tensor's dimensions split around one axis: `outer × size × inner`. */
export interface AxisSplit {
  outer: number;
  size: number;
  inner: number;
}

/** The kernels a backend provides; every method fills its output arrays and returns nothing. */
export interface Backend {
  readonly name: string;

  /**
   * Optional: zeroed storage of `length` floats for a long-lived tensor (a parameter, an
   * optimizer's state) that the backend's kernels read and update where it is, without copying
   * it in and out on every call; null where it has none to give. Freed when garbage collected.
   */
  persistentFloat32?(length: number): Float32Array | null;

  /** `out[i] = f(x[i])`. */
  unary(op: UnaryOp, x: TypedArray, out: TypedArray, alpha: number): void;
  /** `dx[i] = dy[i] · f'(x[i])`, given `y = f(x)` as well (sigmoid and tanh use it). */
  unaryBackward(op: UnaryOp, x: TypedArray, y: TypedArray, dy: TypedArray, dx: TypedArray, alpha: number): void;
  /** `out = a ∘ b` with NumPy broadcasting of `aShape` and `bShape` to `outShape`. */
  binary(op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void;
  /** `out[i] = a[i] + alpha · b[i]` (same shapes): gradient accumulation and optimizer steps. */
  axpy(a: TypedArray, b: TypedArray, alpha: number, out: TypedArray): void;

  /** Sums `x` (shape `xShape`) over `axes`; `out` has `xShape` with those axes set to 1. */
  sum(x: TypedArray, xShape: Shape, axes: readonly number[], out: TypedArray): void;
  /** Index of the largest value along the middle axis of `outer × size × inner` (first on ties). */
  argmax(x: TypedArray, split: AxisSplit, out: Int32Array): void;
  /** `out = x` with its axes permuted: `out.shape[i] = xShape[perm[i]]`. */
  permute(x: TypedArray, xShape: Shape, perm: readonly number[], out: TypedArray): void;

  /** Batched matrix product `out[b] = a[b] · b[b]`, `a[b]` is m×k, `b[b]` is k×n, out m×n. */
  matmul(a: TypedArray, b: TypedArray, out: TypedArray, batch: number, m: number, k: number, n: number): void;
  /**
   * One matrix product with operands read transposed in place and a row-broadcast bias:
   * `out = op(a) · op(b) + bias`, out m×n. op(a) is m×k — a stored `[m,k]`, or `[k,m]` when
   * `transA`; op(b) is k×n — b stored `[k,n]`, or `[n,k]` when `transB`; bias `[n]` is added to
   * every row, or null. The fully connected layer and its gradients, without transpose copies.
   */
  gemm(
    a: TypedArray,
    b: TypedArray,
    bias: TypedArray | null,
    out: TypedArray,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
  ): void;

  /** `Y = W ⊗ X + b` (cross-correlation, S1/S6). x `[n,cIn,h,w]`, w `[cOut,cIn/g,kh,kw]`, bias `[cOut]` or null. */
  conv2d(x: TypedArray, w: TypedArray, bias: TypedArray | null, g: ConvGeometry, out: TypedArray): void;
  /**
   * `dx += ∂L/∂X` from `∂L/∂Y` (S5): dy `[n,cOut,hOut,wOut]` → dx `[n,cIn,h,w]`. Also the
   * transposed convolution. `dxZeroed`: see the file comment.
   */
  conv2dBackwardInput(dy: TypedArray, w: TypedArray, g: ConvGeometry, dx: TypedArray, dxZeroed?: boolean): void;
  /** `∂L/∂W = ∂L/∂Y ⊗ X` (S5, S11): → dw `[cOut,cIn/g,kh,kw]`. */
  conv2dBackwardWeight(x: TypedArray, dy: TypedArray, g: ConvGeometry, dw: TypedArray): void;

  /**
   * A convolution block in one call: `z = W ⊗ X + b` (as `conv2d`), `a = f(z)` with
   * `f = e.activation` (as `unary`), `y = maxPool(a)` when `e.pool` (recording `argmax` as
   * `maxPool2d` does; null without pooling), else `y = a`. `out` is y. Equal, bit for bit, to
   * those kernels run one after another; a backend may keep z and a to itself.
   */
  fusedConv2d(
    x: TypedArray,
    w: TypedArray,
    bias: TypedArray | null,
    g: ConvGeometry,
    e: ConvEpilogue,
    out: TypedArray,
    argmax: Int32Array | null,
  ): void;
  /**
   * The block's backward pass from `dy = ∂L/∂y` and the forward's `y` and `argmax`:
   * `∂L/∂a = up(dy)` (routed to the maxima, S10) or dy, `∂L/∂z = ∂L/∂a · f'(a)` (written with
   * a, which is y at every maximum: `a ≤ 0 ? 0 : ∂L/∂a` for relu, a selection as `unaryBackward`'s,
   * `·(1 − a²)`, `·a·(1 − a)`), then `dx += ∂L/∂X` (when dx
   * is not null; `dxZeroed` as for `conv2dBackwardInput`), `dw = ∂L/∂W` and `db = Σ_{n,i,j} ∂L/∂z`
   * (each when not null). Equal, bit for bit, to `maxPool2dBackward`, `unaryBackward(f)`,
   * `conv2dBackwardInput`, `conv2dBackwardWeight` and `sum` over axes (0, 2) of `∂L/∂z` as
   * `[n, cOut, hOut·wOut]`.
   *
   * `bias` is the forward's (null for none; not given, it is taken as finite). With tanh or the
   * sigmoid before a pooling, a NaN of a at a position that is no window's maximum gives
   * `0·f'(NaN) = NaN` there in the separate kernels, which y and argmax do not show: where x, w or
   * the bias hold a NaN or ±∞, a backend computes z again to find those positions.
   */
  fusedConv2dBackward(
    x: TypedArray,
    w: TypedArray,
    y: TypedArray,
    argmax: Int32Array | null,
    dy: TypedArray,
    g: ConvGeometry,
    e: ConvEpilogue,
    dx: TypedArray | null,
    dw: TypedArray | null,
    db: TypedArray | null,
    dxZeroed?: boolean,
    bias?: TypedArray | null,
  ): void;

  /**
   * Classic LeNet-5's block in one call: `z = W ⊗ X + b` (as `conv2d`), `a = f(z)` with
   * `f = activation`, `y = subsampling(a)` with the stage `s` (as `subsampling`). Writes y into
   * `out` and, for the backward pass, a into `a` (`[n, cOut, hOut, wOut]`) and the stage's pooled
   * map and argmax into `pooled` and `argmax`. Equal, bit for bit, to those kernels run one after
   * another; the backend keeps z to itself.
   */
  convSubsampling(
    x: TypedArray,
    w: TypedArray,
    bias: TypedArray | null,
    g: ConvGeometry,
    activation: Activation,
    s: SubsamplingStage,
    out: TypedArray,
    a: TypedArray,
    pooled: TypedArray,
    argmax: Int32Array | null,
  ): void;
  /**
   * Its backward pass from `dy` and the forward's `y`, `a`, `pooled`, `argmax`: the stage's
   * gradients (as `subsamplingBackward`, with `∂L/∂a` kept by the backend), `∂L/∂z = ∂L/∂a·f'(a)`,
   * then the convolution's (as `fusedConv2dBackward` without pooling). Equal, bit for bit, to
   * those kernels run one after another. `dxZeroed` as for `conv2dBackwardInput`.
   */
  convSubsamplingBackward(
    x: TypedArray,
    w: TypedArray,
    y: TypedArray,
    a: TypedArray,
    pooled: TypedArray,
    argmax: Int32Array | null,
    dy: TypedArray,
    g: ConvGeometry,
    activation: Activation,
    s: SubsamplingStage,
    grads: ConvSubsamplingGrads,
    dxZeroed?: boolean,
  ): void;

  /**
   * LeNet-5's trainable subsampling (S9) in one call: `p = pool(x)` (average or max over the windows
   * of `g`, recording `argmax` for max as `maxPool2d` does, null for average),
   * `z = p·w[c] + b[c]` (a float32 product, then a float32 sum), `y = f(z)` with
   * `f = s.activation`. x `[n,c,h,w]`, w and b `[c]`, `out` (y) and `pooled` (p, kept for the
   * backward pass) `[n,c,hOut,wOut]`. Equal, bit for bit, to `avgPool2d` or `maxPool2d`, `binary`
   * mul and add with w and b broadcast, and `unary(f)`, run one after another.
   */
  subsampling(
    x: TypedArray,
    w: TypedArray,
    b: TypedArray,
    g: PoolGeometry,
    s: SubsamplingSpec,
    out: TypedArray,
    pooled: TypedArray,
    argmax: Int32Array | null,
  ): void;
  /**
   * Its backward pass from `dy`, the forward's `y`, `pooled` and `argmax`: `∂L/∂z = dy·f'(y)`,
   * `db[c] = Σ ∂L/∂z`, `dw[c] = Σ ∂L/∂z·p` (sums over n, i, j, in that order, in float64),
   * `∂L/∂p = ∂L/∂z·w[c]`, then `dx += up(∂L/∂p)` (spread evenly, or routed to the maxima; `dxZeroed`
   * as for `conv2dBackwardInput`). Each of dx, dw, db is skipped when null. Equal, bit for bit, to
   * the backward kernels of the ops `subsampling` stands for.
   */
  subsamplingBackward(
    dy: TypedArray,
    y: TypedArray,
    pooled: TypedArray,
    argmax: Int32Array | null,
    w: TypedArray,
    g: PoolGeometry,
    s: SubsamplingSpec,
    dx: TypedArray | null,
    dw: TypedArray | null,
    db: TypedArray | null,
    dxZeroed?: boolean,
  ): void;

  /** Max pooling (S8); records the flat input index (within its channel plane) of each maximum. */
  maxPool2d(x: TypedArray, g: PoolGeometry, out: TypedArray, argmax: Int32Array): void;
  /** Routes each delta to the position of its maximum (S10), adding into dx; `dxZeroed`: see the file comment. */
  maxPool2dBackward(dy: TypedArray, argmax: Int32Array, g: PoolGeometry, dx: TypedArray, dxZeroed?: boolean): void;
  /** Average pooling (S8). */
  avgPool2d(x: TypedArray, g: PoolGeometry, out: TypedArray): void;
  /** Spreads each delta evenly over its window (S10), adding into dx; `dxZeroed`: see the file comment. */
  avgPool2dBackward(dy: TypedArray, g: PoolGeometry, dx: TypedArray, dxZeroed?: boolean): void;

  /**
   * One SGD update of a parameter θ in place, per element in float64, stored in θ's type:
   * `g = ∇ + λθ`; with momentum (`buf` not null) `buf = g` on the first step, else
   * `buf = μ·buf + (1 − τ)·g`, and `g = g + μ·buf` (Nesterov) or `g = buf`; then `θ −= lr·g`.
   */
  sgdStep(theta: TypedArray, grad: TypedArray, buf: TypedArray | null, o: SgdStep): void;
  /**
   * One Adam update of θ in place, per element in float64, stored in the arrays' type:
   * `θ ·= decay` (AdamW) or `g = ∇ + λθ` (Adam); `m = β₁m + (1 − β₁)g`, `v = β₂v + (1 − β₂)g²`,
   * `θ −= stepSize · m / (√v / bc2Sqrt + ε)`.
   */
  adamStep(theta: TypedArray, grad: TypedArray, m: TypedArray, v: TypedArray, o: AdamStep): void;

  /**
   * Batch normalization's statistics over a tensor seen as `outer × size × inner` = `(N, C, L)`
   * (L = H·W, or 1): for each channel c, over its `M = N·L` values, `mean[c] = (1/M) Σ x` and the
   * biased `variance[c] = (1/M) Σ (x − mean[c])²` (two passes, sums in float64 in four partial
   * sums — value i of each `L`-block into sum i mod 4, then `(s₀ + s₁) + (s₂ + s₃)` — on every backend).
   * mean and variance are `[C]`.
   */
  batchNormStats(x: TypedArray, split: AxisSplit, mean: TypedArray, variance: TypedArray): void;
  /**
   * Batch normalization's affine pass: `out = (x − mean[c])·(invStd[c]·weight[c]) + bias[c]`,
   * evaluated in float64 (weight null: 1, bias null: 0). x and out `(N, C, L)`, the rest `[C]`.
   * With an `epilogue`, the residual and relu of `BatchNormEpilogue` follow in the same pass.
   */
  batchNorm(
    x: TypedArray,
    split: AxisSplit,
    mean: TypedArray,
    invStd: TypedArray,
    weight: TypedArray | null,
    bias: TypedArray | null,
    out: TypedArray,
    epilogue?: BatchNormEpilogue,
  ): void;
  /**
   * Its backward pass, per channel c over its M values, with `x̂ = (x − mean[c])·invStd[c]` and
   * γ = weight[c] (1 when null): `dbias = Σ dy`, `dweight = Σ dy·x̂` (as `invStd·Σ dy·(x − mean)`),
   * and `dx = γ·invStd·(dy − Σdy/M − x̂·Σ(dy·x̂)/M)` when the statistics were the batch's
   * (`training`), `dx = γ·invStd·dy` when they were constants (the running statistics). Sums in
   * float64 in batchNormStats' order; each output skipped when null; dx is written, not added to.
   * With an `epilogue` (the forward's), dy is first the relu's selection by the output y, and
   * that gradient is also written to `dresidual`.
   */
  batchNormBackward(
    x: TypedArray,
    dy: TypedArray,
    split: AxisSplit,
    mean: TypedArray,
    invStd: TypedArray,
    weight: TypedArray | null,
    training: boolean,
    dx: TypedArray | null,
    dweight: TypedArray | null,
    dbias: TypedArray | null,
    epilogue?: BatchNormEpilogueGrad,
  ): void;

  /** `log softmax` along the middle axis: `y_i = x_i − log Σ_j exp x_j`. */
  logSoftmax(x: TypedArray, split: AxisSplit, out: TypedArray): void;
  /** `dx = dy − exp(y) · Σ dy` for `y = logSoftmax(x)`. */
  logSoftmaxBackward(y: TypedArray, dy: TypedArray, split: AxisSplit, dx: TypedArray): void;
}
