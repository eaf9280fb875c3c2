#!/usr/bin/env python3
"""scikit-learn's k-means on the full Fashion-MNIST training images, beside `bench`'s kmeans_60k.

The same problem as the bench: 60,000 × 784 raw pixels scaled to [0, 1], k = 10, k-means++
seeding, 10 restarts of Lloyd's algorithm with at most 300 iterations each (scikit-learn's
KMeans(n_clusters=10, n_init=10), whose defaults these are; it also stops when the centres move
less than tol = 1e-4 of the data's variance, where lab06 stops when no assignment changes).
Prints one JSON object: total seconds (median of --repeats runs), the best inertia, and the
number of iterations of the best restart (scikit-learn keeps only that one's).

In a throwaway virtual environment:
    v=$(mktemp -d)/env && python3 -m venv $v && $v/bin/pip install -q numpy scikit-learn
    $v/bin/python scripts/sklearn_kmeans.py [--data /usr/share/datasets/fashion-mnist] [--repeats 1]
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx_files import load  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    images = load(args.data, "train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    seconds, fit = [], None
    for _ in range(args.repeats):
        start = time.perf_counter()
        fit = KMeans(n_clusters=10, n_init=10, max_iter=300, random_state=0).fit(images)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "implementation": f"scikit-learn {sklearn.__version__} KMeans(n_clusters=10, n_init=10), numpy {np.__version__}",
        "cpu_count": os.cpu_count(),
        "seconds": round(statistics.median(seconds), 2),
        "best_inertia": float(f"{fit.inertia_:.6g}"),
        "iterations_of_best": int(fit.n_iter_),
    }))


if __name__ == "__main__":
    main()
