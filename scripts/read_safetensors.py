#!/usr/bin/env python3
"""Reads a model a lab saved (OUT/models/NAME.safetensors) with nothing but NumPy.

    python3 scripts/read_safetensors.py out/lab03/models/plain.safetensors

The format (Hugging Face safetensors): 8 bytes little-endian header length N, N bytes of JSON
({"__metadata__": {...}, name: {"dtype", "shape", "data_offsets"}}), then the raw tensors.
`safetensors.numpy.load_file(path)` reads the same file.
"""
import json
import sys

import numpy as np


def load(path):
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", entry
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype="<f4").reshape(entry["shape"])
    return tensors, metadata


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: read_safetensors.py FILE.safetensors")
    tensors, metadata = load(sys.argv[1])
    for key in ("lab", "model", "flags"):
        print(f"{key}: {metadata.get(key, '?')}")
    for name, array in tensors.items():
        print(f"  {name:24s} {str(array.shape):14s} mean {array.mean():+.5f}  std {array.std():.5f}")
