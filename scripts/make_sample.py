#!/usr/bin/env python3
"""Regenerates the embedded Fashion-MNIST sample (Sources/LabData/Resources/fashion-sample).

The sample is class-balanced: the first 600 training images of each class (6,000 in all)
and the first 200 test images of each class (2,000), in their original order, written as
gzip-compressed IDX files with the standard names, so the kit reads them with the same
code as the full set. Fashion-MNIST is © Zalando SE, MIT licence (see LICENSE there).

Run (Debian: apt-get install dataset-fashion-mnist):
    python3 scripts/make_sample.py [/usr/share/datasets/fashion-mnist]
"""
import gzip
import os
import struct
import sys

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "LabData", "Resources", "fashion-sample")
PER_CLASS = {"train": 600, "t10k": 200}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def write_idx(path, type_code, dims, payload):
    header = bytes([0, 0, type_code, len(dims)]) + struct.pack(">" + "I" * len(dims), *dims)
    # mtime=0 keeps the file byte-identical across regenerations.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0, filename="") as f:
        f.write(header + payload)


def main():
    os.makedirs(OUT, exist_ok=True)
    for split, per_class in PER_CLASS.items():
        (count, rows, cols), pixels = read_idx(os.path.join(SOURCE, f"{split}-images-idx3-ubyte.gz"))
        (label_count,), labels = read_idx(os.path.join(SOURCE, f"{split}-labels-idx1-ubyte.gz"))
        assert count == label_count
        taken, chosen = [0] * 10, []
        for i, label in enumerate(labels):
            if taken[label] < per_class:
                taken[label] += 1
                chosen.append(i)
        size = rows * cols
        write_idx(os.path.join(OUT, f"{split}-images-idx3-ubyte.gz"), 0x08, (len(chosen), rows, cols),
                  b"".join(pixels[i * size:(i + 1) * size] for i in chosen))
        write_idx(os.path.join(OUT, f"{split}-labels-idx1-ubyte.gz"), 0x08, (len(chosen),), bytes(labels[i] for i in chosen))
        print(f"{split}: {len(chosen)} images, {per_class} per class")


if __name__ == "__main__":
    main()
