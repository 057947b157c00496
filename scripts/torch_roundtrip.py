#!/usr/bin/python3
"""PyTorch round trip of convnet-ts model files (safetensors with convnet-ts's metadata), no ONNX.

The presets lenet5-modern and resnet8 are built here in PyTorch with the nesting convnet-ts
gives them, so that the state-dict names and layouts are the same on both sides.

    # convnet-ts -> PyTorch: load a model file, run it in evaluation mode, check it against an
    # input/output record ({"inputShape", "input", "output"}; exit status 1 if they differ)
    /usr/bin/python3 scripts/torch_roundtrip.py load MODEL.safetensors [--check IO.json]

    # PyTorch -> convnet-ts: train the preset a few SGD steps in PyTorch, write it as a model file
    # that loadModel accepts, and record an input with PyTorch's evaluation-mode output
    /usr/bin/python3 scripts/torch_roundtrip.py write lenet5-modern OUT.safetensors --record IO.json

`write` with no arguments after the preset regenerates test/fixtures/torch-roundtrip/ (checked by
test/io/torch-roundtrip.test.ts). Requires PyTorch (written against torch 1.13). The three lines
each direction comes down to:

    state = read_model_file("model.safetensors")[0]; net = build("resnet8"); net.load_state_dict(state)
    write_model_file("model.safetensors", net.state_dict(), "resnet8")
"""

import argparse
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "test", "fixtures", "torch-roundtrip")

# the model file's metadata that rebuilds each preset in convnet-ts (src/io/model-file.ts, encodeModel)
PRESETS = {
    "lenet5-modern": {"architecture": "lenet5", "options": {"modern": True}, "input": [1, 28, 28]},
    "resnet8": {"architecture": "resnet", "options": {"blocksPerStage": 1}, "input": [1, 28, 28]},
}


class Residual(nn.Module):
    """convnet-ts's nn.Residual: skip + body(x), children named body and projection."""

    def __init__(self, body, projection=None):
        super().__init__()
        self.body = body
        self.projection = projection

    def forward(self, x):
        return (x if self.projection is None else self.projection(x)) + self.body(x)


class ZeroPadShortcut(nn.Module):
    """x[:, :, ::s, ::s] with extra zero channels, half before (src/models/resnet.ts)."""

    def __init__(self, extra, stride):
        super().__init__()
        self.extra, self.stride = extra, stride

    def forward(self, x):
        return F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))


def lenet5_modern():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 120, 5), nn.ReLU(), nn.Flatten(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def resnet(n):
    def block(cin, cout, stride):
        body = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
                             nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        skip = ZeroPadShortcut(cout - cin, stride) if stride != 1 or cin != cout else None
        return nn.Sequential(Residual(body, skip), nn.ReLU())

    layers, cin = [nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU()], 16
    for cout, stride in ((16, 1), (32, 2), (64, 2)):
        for b in range(n):
            layers.append(block(cin, cout, stride if b == 0 else 1))
            cin = cout
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


def build(preset):
    return lenet5_modern() if preset == "lenet5-modern" else resnet(1)


DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I32": (torch.int32, 4), "I64": (torch.int64, 8)}


def read_model_file(path):
    """The state dict and metadata of a safetensors file: 8-byte little-endian header length, JSON header, data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    state = {}
    for name, info in header.items():
        dtype, _ = DTYPES[info["dtype"]]
        start, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(raw[8 + n + start:8 + n + end]), dtype=dtype) if end > start else torch.zeros(0, dtype=dtype)
        state[name] = t.reshape(info["shape"]).clone()
    # PyTorch keeps num_batches_tracked as int64, convnet-ts as int32
    return {k: (v.long() if k.endswith("num_batches_tracked") else v) for k, v in state.items()}, metadata


def write_model_file(path, state, preset):
    """`state` as a convnet-ts model file: float32 tensors, num_batches_tracked int32, the preset's metadata."""
    p = PRESETS[preset]
    metadata = {"format": "pt", "architecture": p["architecture"], "options": json.dumps(p["options"], separators=(",", ":")),
                "inputShape": json.dumps(p["input"])}
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(state):
        t = state[name].detach().cpu().contiguous()
        t = t.to(torch.int32) if t.dtype == torch.int64 else t.to(torch.float32)
        data = t.numpy().tobytes()
        header[name] = {"dtype": "I32" if t.dtype == torch.int32 else "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def preset_of(metadata):
    for name, p in PRESETS.items():
        if metadata.get("architecture") == p["architecture"] and json.loads(metadata.get("options", "{}")) == p["options"]:
            return name
    sys.exit(f"torch_roundtrip: no PyTorch twin for architecture {metadata.get('architecture')} {metadata.get('options')}")


def load(path, check):
    state, metadata = read_model_file(path)
    net = build(preset_of(metadata))
    net.load_state_dict(state)
    net.eval()
    if check is None:
        print(f"loaded {path} into PyTorch: {sum(p.numel() for p in net.parameters())} parameters")
        return
    with open(check) as f:
        io = json.load(f)
    with torch.no_grad():
        y = net(torch.tensor(io["input"], dtype=torch.float32).reshape(io["inputShape"]))
    want = torch.tensor(io["output"], dtype=torch.float32).reshape(y.shape)
    diff = (y - want).abs().max().item()
    ok = torch.allclose(y, want, rtol=1e-5, atol=1e-6)
    print(f"{path}: max |PyTorch − convnet-ts| = {diff:.2e} ({'agree' if ok else 'DIFFER'})")
    sys.exit(0 if ok else 1)


def write(preset, out, record):
    torch.manual_seed(5)
    net = build(preset)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    net.train()
    for _ in range(3):
        x = torch.randn(8, 1, 28, 28)
        opt.zero_grad()
        F.cross_entropy(net(x), torch.randint(0, 10, (8,))).backward()
        opt.step()
    write_model_file(out, net.state_dict(), preset)
    if record is not None:
        net.eval()
        x = torch.randn(3, 1, 28, 28)
        with torch.no_grad():
            y = net(x)
        with open(record, "w") as f:
            json.dump({"generator": "scripts/torch_roundtrip.py", "torch": torch.__version__, "inputShape": list(x.shape),
                       "input": x.flatten().tolist(), "output": y.flatten().tolist()}, f)
            f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("load")
    p.add_argument("model")
    p.add_argument("--check")
    p = sub.add_parser("write")
    p.add_argument("preset", nargs="?", choices=sorted(PRESETS))
    p.add_argument("out", nargs="?")
    p.add_argument("--record")
    args = parser.parse_args()
    if args.command == "load":
        load(args.model, args.check)
    elif args.preset is None:
        os.makedirs(FIXTURES, exist_ok=True)
        for preset in PRESETS:
            write(preset, os.path.join(FIXTURES, preset + ".safetensors"), os.path.join(FIXTURES, preset + ".json"))
    else:
        write(args.preset, args.out, args.record)


if __name__ == "__main__":
    main()
