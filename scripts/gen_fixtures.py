#!/usr/bin/env python3
"""Generate PyTorch reference fixtures for the convnet-ts test suite.

How to run (from the repository root):

    /usr/bin/python3 scripts/gen_fixtures.py

Requires only PyTorch (written against torch 1.13). Writes one JSON file per op
into test/fixtures/<op>.json with this layout:

    { "op": ..., "generator": "scripts/gen_fixtures.py", "torch": torch.__version__,
      "cases": [ { "name", "options", "inputs", "gradOutput", "output", "grads" } ] }

Every tensor is {"shape": [...], "data": [flat row-major numbers]} (shape [] for
scalars, with one data entry). Inputs are drawn as float32 from a fixed seed and
then converted to float64, so every stored input is exactly float32-representable;
the reference forward/backward pass is done in float64 with
(output * gradOutput).sum().backward(). Integer label inputs are stored as ints
and have no entry in "grads". Options are written exactly as the TypeScript API
takes them (camelCase); the helpers below translate them into PyTorch calls.

The output is deterministic: rerunning the script rewrites identical files.
"""

import json
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures")


# --------------------------------------------------------------------------- helpers

def rnd(*shape, scale=1.0):
    """float32 randn (times scale, rounded to float32), returned as float64."""
    t = torch.randn(*shape, dtype=torch.float32) * scale
    return t.to(torch.float64)


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def fmt(v):
    return json.dumps(v, separators=(",", ":"))


def case_name(inputs, options):
    parts = ["%s=%s" % (k, fmt(list(v.shape))) for k, v in inputs.items()]
    parts += ["%s=%s" % (k, fmt(v)) for k, v in options.items()]
    return " ".join(parts)


def make_case(fn, inputs, options, no_grad=(), name=None, unit_grad_output=False):
    """Run fn(**tensors, **options-derived) in float64 and record everything.

    inputs: dict name -> float64 tensor (or int64 tensor for labels).
    no_grad: input names that are integer labels (not differentiated).
    """
    leaves = {}
    for k, v in inputs.items():
        if k in no_grad:
            leaves[k] = v
        else:
            leaves[k] = v.detach().clone().requires_grad_(True)
    out = fn(**leaves)
    if unit_grad_output:
        g = torch.ones(out.shape, dtype=torch.float64)
    else:
        g = rnd(*out.shape) if out.dim() > 0 else torch.randn((), dtype=torch.float32).to(torch.float64)
    (out * g).sum().backward()
    grads = {}
    for k, v in leaves.items():
        if k in no_grad:
            continue
        gr = v.grad if v.grad is not None else torch.zeros_like(v)
        grads[k] = enc(gr)
    return {
        "name": name or case_name(inputs, options),
        "options": options,
        "inputs": {k: enc(v) for k, v in inputs.items()},
        "gradOutput": enc(g),
        "output": enc(out),
        "grads": grads,
    }


written = []


def write(op, cases):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, op + ".json")
    doc = {"op": op, "generator": "scripts/gen_fixtures.py", "torch": torch.__version__, "cases": cases}
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    written.append((op, len(cases), os.path.getsize(path)))


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def seed(s):
    torch.manual_seed(s)


# ------------------------------------------------------- padding translation (2-D / 1-D)

def pad2d_amounts(padding, k, dil):
    """TS padding option -> (top, bottom, left, right)."""
    kh, kw = k
    dh, dw = dil
    if isinstance(padding, str):
        eh, ew = dh * (kh - 1), dw * (kw - 1)
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            assert eh % 2 == 0 and ew % 2 == 0, "'same' needs odd effective kernel"
            return (eh // 2, eh // 2, ew // 2, ew // 2)
        if padding == "full":
            return (eh, eh, ew, ew)
        raise ValueError(padding)
    if isinstance(padding, int):
        return (padding,) * 4
    if len(padding) == 2:
        return (padding[0], padding[0], padding[1], padding[1])
    return tuple(padding)  # [top, bottom, left, right]


def conv2d_ref(x, weight, bias, opts, flip=False):
    stride = pair(opts.get("stride", 1))
    dil = pair(opts.get("dilation", 1))
    groups = opts.get("groups", 1)
    t, b, l, r = pad2d_amounts(opts.get("padding", 0), weight.shape[2:], dil)
    if flip:
        weight = torch.flip(weight, [2, 3])
    if t == b and l == r:
        return F.conv2d(x, weight, bias, stride=stride, padding=(t, l), dilation=dil, groups=groups)
    return F.conv2d(F.pad(x, (l, r, t, b)), weight, bias, stride=stride, padding=0, dilation=dil, groups=groups)


def pad1d_amounts(padding, k, dil):
    if isinstance(padding, str):
        e = dil * (k - 1)
        if padding == "valid":
            return (0, 0)
        if padding == "same":
            assert e % 2 == 0
            return (e // 2, e // 2)
        if padding == "full":
            return (e, e)
        raise ValueError(padding)
    if isinstance(padding, int):
        return (padding, padding)
    return tuple(padding)  # [left, right]


def conv1d_ref(x, weight, bias, opts):
    stride = opts.get("stride", 1)
    dil = opts.get("dilation", 1)
    groups = opts.get("groups", 1)
    l, r = pad1d_amounts(opts.get("padding", 0), weight.shape[2], dil)
    if l == r:
        return F.conv1d(x, weight, bias, stride=stride, padding=l, dilation=dil, groups=groups)
    return F.conv1d(F.pad(x, (l, r)), weight, bias, stride=stride, padding=0, dilation=dil, groups=groups)


def conv_case(ref, xs, ws, opts, bias=True, bias_len=None, **kw):
    inputs = {"x": rnd(*xs), "weight": rnd(*ws, scale=0.5)}
    if bias:
        inputs["bias"] = rnd(bias_len if bias_len is not None else ws[0], scale=0.5)

    def fn(x, weight, bias=None):
        return ref(x, weight, bias, opts, **kw)

    return make_case(fn, inputs, opts)


# --------------------------------------------------------------------------- conv2d
# F.conv2d(x, weight, bias, stride, padding, dilation, groups)
# asymmetric [t,b,l,r] -> F.conv2d(F.pad(x, (l, r, t, b)), weight, bias, padding=0, ...)

def gen_conv2d():
    seed(1)
    C = []
    add = lambda xs, ws, opts, bias=True: C.append(conv_case(conv2d_ref, xs, ws, opts, bias))
    add([2, 3, 7, 6], [4, 3, 3, 2], {"stride": 2, "padding": 1})
    add([1, 1, 5, 5], [1, 1, 3, 3], {})
    add([2, 2, 6, 6], [3, 2, 3, 3], {"stride": 1, "padding": 1})
    add([2, 3, 8, 7], [2, 3, 3, 3], {"stride": 3})
    add([1, 2, 7, 9], [3, 2, 2, 4], {"stride": [2, 1], "padding": [1, 2]})
    add([2, 2, 5, 6], [2, 2, 3, 3], {"padding": [1, 0, 2, 1]})
    add([1, 2, 6, 5], [2, 2, 2, 3], {"stride": 2, "padding": [0, 1, 1, 1]})
    add([2, 2, 5, 5], [3, 2, 3, 3], {"padding": "valid"})
    add([2, 2, 5, 6], [2, 2, 3, 5], {"padding": "same"})
    add([1, 2, 4, 5], [2, 2, 3, 2], {"padding": "full"})
    add([2, 2, 8, 8], [2, 2, 3, 3], {"dilation": 2, "padding": 1})
    add([1, 2, 6, 9], [3, 2, 2, 3], {"dilation": [1, 3]})
    add([1, 2, 7, 7], [2, 2, 3, 3], {"dilation": 2, "padding": "same"})
    add([1, 2, 4, 4], [2, 2, 2, 3], {"dilation": 2, "stride": 2, "padding": "full"}, bias=False)
    add([2, 4, 5, 5], [6, 2, 3, 3], {"groups": 2, "padding": 1})
    add([2, 3, 6, 6], [3, 1, 3, 3], {"groups": 3, "stride": 2, "padding": 1})
    add([1, 2, 5, 5], [4, 1, 3, 3], {"groups": 2})
    add([2, 4, 7, 7], [4, 2, 3, 3], {"groups": 2, "stride": 2, "dilation": 2}, bias=False)
    add([2, 3, 4, 5], [2, 3, 4, 5], {})  # kernel == input -> 1x1 output
    add([1, 2, 5, 5], [2, 2, 3, 3], {"stride": 3})  # output size 1 via stride
    add([3, 2, 5, 5], [2, 2, 3, 3], {"padding": 1}, bias=False)
    add([2, 4, 3, 3], [5, 4, 1, 1], {}, bias=False)
    write("conv2d", C)


# --------------------------------------------------------------------------- conv1d
# F.conv1d(x, weight, bias, stride, padding, dilation, groups); [l,r] -> F.pad(x, (l, r))

def gen_conv1d():
    seed(2)
    C = []
    add = lambda xs, ws, opts, bias=True: C.append(conv_case(conv1d_ref, xs, ws, opts, bias))
    add([2, 3, 10], [4, 3, 3], {})
    add([2, 3, 9], [2, 3, 3], {"stride": 2, "padding": 1})
    add([1, 2, 8], [3, 2, 3], {"padding": [2, 0]})
    add([2, 2, 7], [2, 2, 5], {"padding": "same"})
    add([1, 2, 5], [2, 2, 3], {"padding": "full"})
    add([2, 2, 9], [3, 2, 3], {"dilation": 2, "padding": 2})
    add([2, 3, 8], [3, 1, 3], {"groups": 3, "padding": "valid"})
    add([3, 4, 11], [2, 2, 2], {"groups": 2, "stride": 3}, bias=False)
    write("conv1d", C)


# --------------------------------------------------------------------------- convolve2d
# true convolution: F.conv2d(x, torch.flip(weight, [2, 3]), bias, ...)

def gen_convolve2d():
    seed(3)
    C = []
    add = lambda xs, ws, opts, bias=True: C.append(conv_case(conv2d_ref, xs, ws, opts, bias, flip=True))
    add([2, 2, 5, 6], [3, 2, 3, 2], {})
    add([1, 1, 4, 4], [1, 1, 3, 3], {"padding": "full"})
    add([2, 2, 5, 5], [2, 2, 3, 3], {"padding": "same"}, bias=False)
    add([1, 3, 7, 6], [2, 3, 3, 3], {"stride": 2, "padding": 1})
    add([2, 4, 6, 6], [4, 2, 2, 3], {"groups": 2, "dilation": 2, "padding": [1, 0, 2, 1]})
    write("convolve2d", C)


# --------------------------------------------------------------------------- convTranspose2d
# F.conv_transpose2d(x, weight, bias, stride, padding, output_padding, groups, dilation)
# weight layout (Cin, Cout/groups, kh, kw), bias (Cout)

def convT2d_ref(x, weight, bias, opts):
    return F.conv_transpose2d(
        x, weight, bias,
        stride=pair(opts.get("stride", 1)),
        padding=pair(opts.get("padding", 0)),
        output_padding=pair(opts.get("outputPadding", 0)),
        groups=opts.get("groups", 1),
        dilation=pair(opts.get("dilation", 1)),
    )


def gen_conv_transpose2d():
    seed(4)
    C = []

    def add(xs, ws, opts, bias=True):
        cout = ws[1] * opts.get("groups", 1)
        C.append(conv_case(convT2d_ref, xs, ws, opts, bias, bias_len=cout))

    add([2, 3, 4, 4], [3, 2, 3, 3], {})
    add([1, 2, 3, 3], [2, 3, 3, 3], {"stride": 2})
    add([2, 2, 4, 3], [2, 2, 3, 3], {"stride": 2, "padding": 1})
    add([1, 2, 3, 4], [2, 2, 3, 3], {"stride": 2, "padding": 1, "outputPadding": 1})
    add([1, 2, 3, 3], [2, 1, 4, 4], {"stride": 3, "padding": 1, "outputPadding": 2})
    add([2, 2, 3, 4], [2, 3, 3, 2], {"stride": [2, 1], "padding": [1, 0], "outputPadding": [1, 0]})
    add([1, 2, 4, 4], [2, 2, 3, 3], {"dilation": 2})
    add([1, 2, 3, 3], [2, 2, 3, 3], {"dilation": 2, "outputPadding": 1})  # op < dilation, stride 1
    add([2, 4, 3, 3], [4, 3, 3, 3], {"groups": 2, "stride": 2, "padding": 1})
    add([1, 3, 3, 4], [3, 2, 2, 4], {"stride": [1, 2]})
    add([2, 3, 3, 3], [3, 2, 2, 2], {"stride": 2}, bias=False)
    add([1, 2, 1, 1], [2, 3, 3, 3], {"stride": 2}, bias=False)
    write("convTranspose2d", C)


# --------------------------------------------------------------------------- convTranspose1d
# F.conv_transpose1d(x, weight, bias, stride, padding, output_padding, groups, dilation)

def convT1d_ref(x, weight, bias, opts):
    return F.conv_transpose1d(
        x, weight, bias,
        stride=opts.get("stride", 1),
        padding=opts.get("padding", 0),
        output_padding=opts.get("outputPadding", 0),
        groups=opts.get("groups", 1),
        dilation=opts.get("dilation", 1),
    )


def gen_conv_transpose1d():
    seed(5)
    C = []

    def add(xs, ws, opts, bias=True):
        cout = ws[1] * opts.get("groups", 1)
        C.append(conv_case(convT1d_ref, xs, ws, opts, bias, bias_len=cout))

    add([2, 3, 5], [3, 2, 3], {})
    add([1, 2, 4], [2, 3, 3], {"stride": 2, "padding": 1, "outputPadding": 1})
    add([2, 2, 5], [2, 2, 3], {"dilation": 2, "padding": 1})
    add([2, 4, 4], [4, 1, 3], {"groups": 2, "stride": 3, "outputPadding": 2}, bias=False)
    add([1, 2, 3], [2, 2, 4], {"stride": 2, "padding": 2, "dilation": 2, "outputPadding": 1})
    write("convTranspose1d", C)


# --------------------------------------------------------------------------- maxPool2d
# F.max_pool2d(x, kernel_size, stride (None = kernel_size), padding, ceil_mode=ceilMode)

def pool_args(o):
    k = pair(o["kernelSize"])
    s = pair(o["stride"]) if "stride" in o else k
    p = pair(o.get("padding", 0))
    return k, s, p


def gen_max_pool2d():
    seed(6)
    C = []

    def add(xs, opts):
        k, s, p = pool_args(opts)
        fn = lambda x: F.max_pool2d(x, k, s, p, ceil_mode=opts.get("ceilMode", False))
        C.append(make_case(fn, {"x": rnd(*xs)}, opts))

    add([2, 3, 4, 4], {"kernelSize": 2})
    add([1, 2, 7, 7], {"kernelSize": 3, "stride": 2})
    add([2, 2, 6, 6], {"kernelSize": 3, "stride": 2, "padding": 1})
    add([1, 2, 6, 7], {"kernelSize": [2, 3], "stride": [2, 1]})
    add([1, 2, 5, 5], {"kernelSize": 2, "ceilMode": True})
    add([1, 1, 6, 6], {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True})
    add([2, 1, 7, 5], {"kernelSize": 2})
    add([1, 2, 5, 4], {"kernelSize": 2, "stride": 1})
    add([1, 1, 5, 7], {"kernelSize": [3, 2], "stride": [2, 3], "padding": [1, 1], "ceilMode": True})
    write("maxPool2d", C)


# --------------------------------------------------------------------------- avgPool2d
# F.avg_pool2d(x, kernel_size, stride, padding, ceil_mode=ceilMode, count_include_pad=countIncludePad)
# (countIncludePad defaults to true, as in PyTorch)

def gen_avg_pool2d():
    seed(7)
    C = []

    def add(xs, opts):
        k, s, p = pool_args(opts)
        fn = lambda x: F.avg_pool2d(x, k, s, p, ceil_mode=opts.get("ceilMode", False),
                                    count_include_pad=opts.get("countIncludePad", True))
        C.append(make_case(fn, {"x": rnd(*xs)}, opts))

    add([2, 3, 4, 4], {"kernelSize": 2})
    add([1, 2, 7, 7], {"kernelSize": 3, "stride": 2})
    add([1, 2, 5, 5], {"kernelSize": 3, "stride": 1, "padding": 1, "countIncludePad": True})
    add([1, 2, 5, 5], {"kernelSize": 3, "stride": 1, "padding": 1, "countIncludePad": False})
    add([1, 2, 5, 5], {"kernelSize": 2, "ceilMode": True})
    add([1, 1, 6, 6], {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": True})
    add([1, 1, 6, 6], {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False})
    add([2, 1, 5, 6], {"kernelSize": [2, 3], "stride": [1, 2], "padding": [1, 1]})
    write("avgPool2d", C)


# --------------------------------------------------------------------------- globalAvgPool2d
# F.adaptive_avg_pool2d(x, 1)

def gen_global_avg_pool2d():
    seed(8)
    C = [make_case(lambda x: F.adaptive_avg_pool2d(x, 1), {"x": rnd(*xs)}, {})
         for xs in ([2, 3, 4, 5], [1, 2, 1, 3])]
    write("globalAvgPool2d", C)


# --------------------------------------------------------------------------- linear
# F.linear(x, weight, bias)   (weight: (out, in))

def gen_linear():
    seed(9)
    C = []
    for xs, ws in (([4, 5], [3, 5]), ([1, 3], [2, 3]), ([2, 3, 4], [5, 4])):
        inputs = {"x": rnd(*xs), "weight": rnd(*ws, scale=0.5), "bias": rnd(ws[0], scale=0.5)}
        C.append(make_case(lambda x, weight, bias: F.linear(x, weight, bias), inputs, {}))
    write("linear", C)


# --------------------------------------------------------------------------- matmul
# torch.matmul(a, b)

def gen_matmul():
    seed(10)
    C = []
    for a, b in (([3, 4], [4, 5]), ([2, 3, 4], [2, 4, 2]), ([2, 3, 4], [4, 5]), ([4], [4, 3]), ([3, 4], [4])):
        C.append(make_case(lambda a, b: torch.matmul(a, b), {"a": rnd(*a), "b": rnd(*b)}, {}))
    write("matmul", C)


# --------------------------------------------------------------------------- activations

def away_from_zero(t, eps=1e-3):
    # push values within eps of 0 away (keeps sign), so relu' is unambiguous
    small = t.abs() < eps
    return torch.where(small, torch.where(t < 0, -0.5, 0.5).to(t.dtype), t)


def gen_activations():
    shapes = ([2, 3, 4], [7], [1, 2, 3, 3])

    # F.relu(x)
    seed(11)
    write("relu", [make_case(lambda x: F.relu(x), {"x": away_from_zero(rnd(*s))}, {}) for s in shapes])

    # F.leaky_relu(x, negative_slope)
    seed(12)
    C = []
    for slope, s in ((0.01, [2, 3, 4]), (0.2, [2, 3, 4]), (0.2, [5])):
        C.append(make_case(lambda x: F.leaky_relu(x, negative_slope=slope),
                           {"x": away_from_zero(rnd(*s))}, {"negativeSlope": slope}))
    write("leakyRelu", C)

    # torch.sigmoid(x)
    seed(13)
    write("sigmoid", [make_case(lambda x: torch.sigmoid(x), {"x": rnd(*s, scale=2.0)}, {}) for s in shapes])

    # torch.tanh(x)
    seed(14)
    write("tanh", [make_case(lambda x: torch.tanh(x), {"x": rnd(*s, scale=1.5)}, {}) for s in shapes])

    # F.softmax(x, dim) / F.log_softmax(x, dim)
    for op, f, sd in (("softmax", F.softmax, 15), ("logSoftmax", F.log_softmax, 16)):
        seed(sd)
        C = []
        for dim, s in ((-1, [2, 3, 4]), (1, [2, 3, 4]), (-1, [5]), (0, [3, 2])):
            C.append(make_case(lambda x: f(x, dim=dim), {"x": rnd(*s, scale=2.0)}, {"dim": dim}))
        write(op, C)


# --------------------------------------------------------------------------- losses
# F.cross_entropy(logits, labels)  (mean reduction); gradOutput = 1.0
# F.mse_loss(input, target)        (mean reduction); gradOutput = 1.0

def gen_losses():
    seed(17)
    C = []
    for n, c in ((1, 4), (5, 3), (8, 10)):
        inputs = {"logits": rnd(n, c, scale=2.0), "labels": torch.randint(0, c, (n,))}
        C.append(make_case(lambda logits, labels: F.cross_entropy(logits, labels), inputs, {},
                           no_grad=("labels",), unit_grad_output=True))
    write("crossEntropy", C)

    seed(18)
    C = []
    for s in ([4, 3], [2, 3, 2, 2]):
        inputs = {"input": rnd(*s), "target": rnd(*s)}
        C.append(make_case(lambda input, target: F.mse_loss(input, target), inputs, {}, unit_grad_output=True))
    write("mseLoss", C)


# --------------------------------------------------------------------------- linkedConv2d
# F.conv2d(x, weight * mask[:, :, None, None], bias, stride, padding), mask = options.table

LENET_C3 = [
    {0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {0, 4, 5}, {0, 1, 5},
    {0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {0, 3, 4, 5}, {0, 1, 4, 5}, {0, 1, 2, 5},
    {0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5}, {0, 1, 2, 3, 4, 5},
]


def gen_linked_conv2d():
    seed(19)
    C = []

    def add(xs, ws, table, extra, name_prefix=""):
        opts = dict({"table": table}, **extra)
        mask = torch.tensor(table, dtype=torch.float64)
        stride = pair(extra.get("stride", 1))
        padding = pair(extra.get("padding", 0))
        inputs = {"x": rnd(*xs), "weight": rnd(*ws, scale=0.3), "bias": rnd(ws[0], scale=0.3)}
        fn = lambda x, weight, bias: F.conv2d(x, weight * mask[:, :, None, None], bias,
                                              stride=stride, padding=padding)
        name_opts = {k: v for k, v in opts.items() if k != "table"}
        name = name_prefix + case_name(inputs, name_opts) + " table=" + fmt(table)
        C.append(make_case(fn, inputs, opts, name=name))

    c3 = [[1 if d in row else 0 for d in range(6)] for row in LENET_C3]
    add([1, 6, 10, 10], [16, 6, 5, 5], c3, {}, name_prefix="LeNet-5 C3 ")

    def random_table(p, d):
        while True:
            t = (torch.rand(p, d) < 0.5).to(torch.int64)
            if bool((t.sum(1) > 0).all()) and bool((t.sum(0) > 0).all()):
                return t.tolist()

    add([2, 3, 5, 5], [4, 3, 3, 3], random_table(4, 3), {"stride": 1, "padding": 1})
    add([2, 4, 6, 5], [3, 4, 2, 3], random_table(3, 4), {"stride": 2, "padding": 0})
    write("linkedConv2d", C)


# --------------------------------------------------------------------------- subsampling
# act(F.avg_pool2d(x, kernelSize, stride) * weight[None,:,None,None] + bias[None,:,None,None])

def gen_subsampling():
    seed(20)
    C = []
    acts = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "none": lambda t: t}

    def add(xs, opts):
        k = opts["kernelSize"]
        s = opts.get("stride", k)
        act = acts[opts["activation"]]
        inputs = {"x": rnd(*xs), "weight": rnd(xs[1]), "bias": rnd(xs[1], scale=0.5)}
        fn = lambda x, weight, bias: act(F.avg_pool2d(x, k, s) * weight[None, :, None, None]
                                         + bias[None, :, None, None])
        C.append(make_case(fn, inputs, opts))

    add([2, 3, 4, 4], {"kernelSize": 2, "activation": "sigmoid"})
    add([1, 2, 6, 6], {"kernelSize": 2, "activation": "tanh"})
    add([2, 2, 7, 7], {"kernelSize": 3, "stride": 2, "activation": "none"})
    write("subsampling", C)


# --------------------------------------------------------------------------- sum / mean
# torch.sum(x, dim, keepdim) / torch.mean(x, dim, keepdim); {} -> x.sum() / x.mean()

def gen_reductions():
    for op, f, sd in (("sum", torch.sum, 21), ("mean", torch.mean, 22)):
        seed(sd)
        C = []
        for opts in ({"dim": [1], "keepdim": False}, {"dim": [0, 2], "keepdim": True}, {}):
            if opts:
                fn = lambda x: f(x, dim=opts["dim"], keepdim=opts["keepdim"])
            else:
                fn = lambda x: f(x)
            C.append(make_case(fn, {"x": rnd(2, 3, 4)}, opts))
        write(op, C)


def main():
    torch.set_grad_enabled(True)
    gen_conv2d()
    gen_conv1d()
    gen_convolve2d()
    gen_conv_transpose2d()
    gen_conv_transpose1d()
    gen_max_pool2d()
    gen_avg_pool2d()
    gen_global_avg_pool2d()
    gen_linear()
    gen_matmul()
    gen_activations()
    gen_losses()
    gen_linked_conv2d()
    gen_subsampling()
    gen_reductions()
    total = 0
    for op, n, size in written:
        total += size
        print("%-18s %3d cases %8d bytes" % (op, n, size))
    print("total %d bytes in %s" % (total, OUT_DIR))


if __name__ == "__main__":
    main()
