#!/usr/bin/env python3
"""Writes an offline MNIST-like IDX dataset: scikit-learn's bundled digits (8 × 8, 1797 images),
each upscaled 2× to 16 × 16 and centred in 28 × 28 — mostly black backgrounds, thin strokes
(83 % black pixels; MNIST has 80 %). The kit's reproducer for what MNIST does to the labs.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scikit-learn
    /tmp/venv/bin/python scripts/make_sparse_digits.py OUT [--scale 2]

OUT/train-*: the first 1500 images; OUT/t10k-*: the other 297 (raw IDX, labels 0–9).
"""
import argparse
import os
import struct

import numpy as np
from sklearn.datasets import load_digits


def idx(dimensions, data):
    return struct.pack(">BBBB", 0, 0, 8, len(dimensions)) + b"".join(struct.pack(">I", d) for d in dimensions) + data.tobytes()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--scale", type=int, default=2, help="upscaling of the 8 × 8 digits (2: 16 × 16, 3: 24 × 24)")
    args = parser.parse_args()
    digits = load_digits()
    small = digits.images                                     # [1797, 8, 8], values 0…16
    big = np.kron(small, np.ones((args.scale, args.scale)))  # nearest-neighbour upscaling
    side = 8 * args.scale
    offset = (28 - side) // 2
    images = np.zeros((len(small), 28, 28), dtype=np.uint8)
    images[:, offset:offset + side, offset:offset + side] = np.clip(big * 16, 0, 255).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    os.makedirs(args.out, exist_ok=True)
    for split, rows in (("train", slice(0, 1500)), ("t10k", slice(1500, None))):
        with open(os.path.join(args.out, f"{split}-images-idx3-ubyte"), "wb") as f:
            f.write(idx([len(images[rows]), 28, 28], images[rows]))
        with open(os.path.join(args.out, f"{split}-labels-idx1-ubyte"), "wb") as f:
            f.write(idx([len(labels[rows])], labels[rows]))
    print(f"{args.out}: {len(images)} images of 28 × 28, {100 * np.mean(images == 0):.0f} % black pixels")


if __name__ == "__main__":
    main()
