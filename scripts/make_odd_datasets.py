#!/usr/bin/env python3
"""Writes small IDX datasets unlike Fashion-MNIST, for checking that every lab copes.

    python3 scripts/make_odd_datasets.py OUT

OUT/wide-20x24   300 train / 100 test images of 20 × 24 pixels, 10 classes (raw IDX)
OUT/two-classes  200 / 60 images of 28 × 28, labels {0, 1} (gzip)
OUT/twelve       8 / 4 images of 16 × 16, labels {0, 1, 2}
OUT/one-class    40 / 10 images of 12 × 12, every label 0
OUT/tiny-4x4     200 / 60 images of 4 × 4, 10 classes (the smallest the labs take)
OUT/one-pixel    200 / 60 images of 1 × 1, 10 classes (refused)
OUT/fewer-than-pixels  300 / 100 images of 28 × 28 whose 4-pixel border is always black: fewer
                 images than pixels, 384 constant pixels (a covariance of rank ≤ 299 of 784)
OUT/all-the-same 200 / 60 copies of one 28 × 28 image (refused: nothing varies)
OUT/upscaled-8x8 300 / 100 images of 28 × 28: 8 × 8 patterns, each pixel a 2 × 2 block, in a
                 black frame (like scripts/make_sparse_digits.py): groups of identical pixels,
                 a covariance of rank ≤ 64 with hundreds of exactly zero rows
OUT/fifty-64x64  300 / 150 images of 64 × 64, 50 classes: many held-out classes (lab09) and
                 4096 pixels (a covariance the full eigensolver takes a minute for)

Pixels are seeded noise around a per-class pattern, so the labs have something to learn.
"""
import gzip
import os
import random
import struct
import sys


def idx(dimensions, data):
    return struct.pack(">BBBB", 0, 0, 8, len(dimensions)) + b"".join(struct.pack(">I", d) for d in dimensions) + bytes(data)


def images(rng, labels, height, width, border=0):
    out = []
    for label in labels:
        for r in range(height):
            for c in range(width):
                if min(r, c, height - 1 - r, width - 1 - c) < border:
                    out.append(0)
                    continue
                base = 200 if (r * 3 + c * (label + 1)) % (label + 4) == 0 else 30
                out.append(max(0, min(255, base + rng.randint(-30, 30))))
    return out


def upscaled(rng, labels):
    out = []
    for label in labels:
        small = [[(200 if (r * (label + 2) + c) % (label + 3) == 0 else 0) + rng.randint(0, 50) * (rng.random() < 0.3)
                  for c in range(8)] for r in range(8)]
        for r in range(28):
            for c in range(28):
                inside = 6 <= r < 22 and 6 <= c < 22
                out.append(min(255, small[(r - 6) // 2][(c - 6) // 2]) if inside else 0)
    return out


def same_image(rng, labels):
    return [128] * (len(labels) * 784)


def write(folder, name, dimensions, data, compress):
    payload = idx(dimensions, data)
    path = os.path.join(folder, name + (".gz" if compress else ""))
    with open(path, "wb") as f:
        f.write(gzip.compress(payload, mtime=0) if compress else payload)


def dataset(root, name, train, test, height, width, classes, compress, seed, border=0, draw=None):
    rng = random.Random(seed)
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)
    for split, count in (("train", train), ("t10k", test)):
        labels = [rng.randrange(classes) for _ in range(count)]
        pixels = draw(rng, labels) if draw else images(rng, labels, height, width, border)
        write(folder, f"{split}-images-idx3-ubyte", [count, height, width], pixels, compress)
        write(folder, f"{split}-labels-idx1-ubyte", [count], labels, compress)


if __name__ == "__main__":
    root = sys.argv[1]
    dataset(root, "wide-20x24", 300, 100, 20, 24, 10, False, 1)
    dataset(root, "two-classes", 200, 60, 28, 28, 2, True, 2)
    dataset(root, "twelve", 8, 4, 16, 16, 3, False, 3)
    dataset(root, "one-class", 40, 10, 12, 12, 1, False, 4)
    dataset(root, "tiny-4x4", 200, 60, 4, 4, 10, False, 5)
    dataset(root, "one-pixel", 200, 60, 1, 1, 10, False, 6)
    dataset(root, "fewer-than-pixels", 300, 100, 28, 28, 10, False, 7, border=4)
    dataset(root, "upscaled-8x8", 300, 100, 28, 28, 10, False, 8, draw=upscaled)
    dataset(root, "all-the-same", 200, 60, 28, 28, 10, False, 9, draw=same_image)
    dataset(root, "fifty-64x64", 300, 150, 64, 64, 50, True, 10)
