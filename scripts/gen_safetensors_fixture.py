#!/usr/bin/env python3
"""Generate a .safetensors fixture laid out exactly as PyTorch's safetensors writes it.

How to run (from the repository root):

    /usr/bin/python3 scripts/gen_safetensors_fixture.py

Requires only PyTorch (written against torch 1.13) and NumPy. The `safetensors`
package is not needed: the file is written by hand following
`safetensors.torch.save_file` (the Rust `serialize_to_file` behind it):

  * tensors sorted by dtype in descending enum order (F64, then F32, then I32;
    the enum is ordered by alignment), then by name;
  * the data of each tensor laid out contiguously from offset 0, row-major,
    little-endian;
  * the header is compact JSON (no spaces) with "__metadata__" first, then the
    tensors in layout order, each {"dtype", "shape", "data_offsets"};
  * the header is padded with spaces to a multiple of 8 bytes, and preceded by
    its length as an 8-byte little-endian unsigned integer.

Writes
  test/fixtures/torch-model.safetensors  the file
  test/fixtures/torch-model.json         the expected content:
      { "generator", "torch", "metadata", "headerLength", "order": [names in layout order],
        "tensors": { name: {"dtype", "shape", "data": [flat row-major values]} } }

The output is deterministic: rerunning the script rewrites identical files.
"""

import json
import os
import struct

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "test", "fixtures")

# dtype -> (safetensors name, rank in the safetensors Dtype enum, little-endian NumPy dtype)
DTYPES = {
    torch.float64: ("F64", 12, "<f8"),
    torch.float32: ("F32", 11, "<f4"),
    torch.int32: ("I32", 9, "<i4"),
}


def serialize(tensors, metadata):
    """The bytes safetensors.torch.save_file(tensors, path, metadata) would write."""
    order = sorted(tensors, key=lambda name: (-DTYPES[tensors[name].dtype][1], name))
    header = {"__metadata__": metadata} if metadata is not None else {}
    chunks = []
    offset = 0
    for name in order:
        t = tensors[name].detach().contiguous()
        st_dtype, _, np_dtype = DTYPES[t.dtype]
        data = t.numpy().astype(np_dtype).tobytes()
        header[name] = {"dtype": st_dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    header_bytes = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
    return struct.pack("<Q", len(header_bytes)) + header_bytes + b"".join(chunks), order, len(header_bytes)


def main():
    torch.manual_seed(0)
    tensors = {
        "conv.weight": torch.randn(2, 1, 3, 3, dtype=torch.float32),
        "conv.bias": torch.randn(2, dtype=torch.float32),
        "fc.weight": torch.randn(3, 2, dtype=torch.float64),
        "fc.scale": torch.randn((), dtype=torch.float64),
        "head.unused": torch.empty(0, dtype=torch.float32),
        "steps": torch.randint(-1000, 1000, (1,), dtype=torch.int32),
    }
    metadata = {"format": "pt"}
    blob, order, header_length = serialize(tensors, metadata)

    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "torch-model.safetensors"), "wb") as f:
        f.write(blob)
    expected = {
        "generator": "scripts/gen_safetensors_fixture.py",
        "torch": torch.__version__,
        "metadata": metadata,
        "headerLength": header_length,
        "order": order,
        "tensors": {
            name: {
                "dtype": DTYPES[t.dtype][0],
                "shape": list(t.shape),
                "data": t.reshape(-1).tolist(),
            }
            for name, t in sorted(tensors.items())
        },
    }
    with open(os.path.join(OUT_DIR, "torch-model.json"), "w") as f:
        json.dump(expected, f, indent=1, allow_nan=False)
        f.write("\n")
    print("wrote test/fixtures/torch-model.safetensors (%d bytes) and test/fixtures/torch-model.json" % len(blob))


if __name__ == "__main__":
    main()
