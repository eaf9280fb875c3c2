#!/usr/bin/env python3
"""numpy + OpenBLAS at every matrix product of the reference training step, beside `bench`'s
step_gemm_gflops: the same shapes and transposes (a transposed operand is a transposed view,
as the kit reads it through strides), a 0.3 s warm-up first as in `bench`, then the median of 9.

Run:  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 scripts/numpy_gemm_shapes.py
"""
import json
import os
import statistics
import time

import numpy as np

SHAPES = [(128, 784, 256, 0, 0), (128, 256, 64, 0, 0), (128, 64, 256, 0, 0), (128, 256, 784, 0, 0),
          (128, 784, 256, 0, 1), (128, 256, 64, 0, 1), (128, 64, 256, 0, 1),
          (784, 128, 256, 1, 0), (256, 128, 64, 1, 0), (64, 128, 256, 1, 0), (256, 128, 784, 1, 0)]


def main():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((256, 256), dtype=np.float32), rng.standard_normal((256, 256), dtype=np.float32)
    start = time.perf_counter()
    while time.perf_counter() - start < 0.3:
        a @ b
    out = {}
    for m, k, n, ta, tb in SHAPES:
        A = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
        B = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
        A, B = (A.T if ta else A), (B.T if tb else B)
        inner = max(1, int(1e8 // (2 * m * k * n)))
        A @ B
        samples = []
        for _ in range(9):
            t = time.perf_counter()
            for _ in range(inner):
                A @ B
            samples.append((time.perf_counter() - t) / inner)
        out[f"{m}x{k}x{n}{'T' if ta else 'N'}{'T' if tb else 'N'}"] = round(2 * m * k * n / statistics.median(samples) / 1e9, 1)
    print(json.dumps({"implementation": "numpy " + np.__version__, "cpu_count": os.cpu_count(),
                      "openblas_env_set": any(v in os.environ for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")),
                      "step_gemm_gflops": out}))


if __name__ == "__main__":
    main()
