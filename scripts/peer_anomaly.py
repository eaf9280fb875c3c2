#!/usr/bin/env python3
"""JAX + scikit-learn peer of lab09's protocol, written independently of the Swift code.

For each held-out class c: a 784-128-32-128-784 autoencoder (ReLU, sigmoid output, MSE, Adam
1e-3, batch 128, 10 epochs; He normal under ReLU, Glorot uniform otherwise) trained in JAX on
the training images of the other classes, and scikit-learn's PCA with 32 components fitted to
the same images. Test images are scored by the mean squared reconstruction error, and the AUC
of each score at finding class c comes from `sklearn.metrics.roc_auc_score` — the reference for
the metric itself.

PCA is deterministic, so its AUCs can be compared with the lab's to many digits; the
autoencoders' only statistically (other seeds, other random streams). With `--lab-metrics
FILE` (a lab09 metrics.json from the same data) the script prints the largest difference
between the lab's PCA AUCs and scikit-learn's.

    v=$(mktemp -d)/env && python3 -m venv $v && $v/bin/pip install -q jax numpy scikit-learn
    $v/bin/python scripts/peer_anomaly.py DIR [--lab-metrics out/lab09/metrics.json]
"""
import argparse
import json
import time

import jax
import jax.numpy as jnp
import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score

from idx_files import load


def dense(rng, fan_in, fan_out, relu):
    if relu:
        return [jnp.asarray(rng.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out)), jnp.float32), jnp.zeros(fan_out)]
    a = np.sqrt(6 / (fan_in + fan_out))
    return [jnp.asarray(rng.uniform(-a, a, (fan_in, fan_out)), jnp.float32), jnp.zeros(fan_out)]


def forward(params, x):
    """784 → 128 (ReLU) → 32 (linear code) → 128 (ReLU) → 784 (sigmoid)."""
    (w0, b0), (w1, b1), (w2, b2), (w3, b3) = params
    code = jax.nn.relu(x @ w0 + b0) @ w1 + b1
    return jax.nn.sigmoid(jax.nn.relu(code @ w2 + b2) @ w3 + b3)


@jax.jit
def step(params, m, v, t, x):
    loss, g = jax.value_and_grad(lambda p: jnp.mean((forward(p, x) - x) ** 2))(params)
    t = t + 1
    m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
    v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
    c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
    params = jax.tree_util.tree_map(lambda p, m, v: p - 1e-3 * (m / c1) / (jnp.sqrt(v / c2) + 1e-8), params, m, v)
    return params, m, v, t


def train_autoencoder(x, rng, epochs=10, batch=128, code=32):
    params = [dense(rng, 784, 128, True), dense(rng, 128, code, False), dense(rng, code, 128, True), dense(rng, 128, 784, False)]
    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v, t = m, 0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for s in range(0, len(x), batch):
            params, m, v, t = step(params, m, v, t, x[order[s:s + batch]])
    return params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--lab-metrics")
    args = ap.parse_args()
    x = load(args.folder, "train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    y = load(args.folder, "train-labels-idx1-ubyte")
    xt = load(args.folder, "t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    yt = load(args.folder, "t10k-labels-idx1-ubyte")
    start = time.time()
    rng = np.random.default_rng(1)
    rows = {}
    for c in range(10):
        normal = x[y != c]
        ae = train_autoencoder(normal, rng)
        ae_scores = np.asarray(jnp.mean((forward(ae, xt) - xt) ** 2, axis=1))
        pca = PCA(n_components=32, svd_solver="full").fit(normal)
        pca_scores = np.mean((xt - pca.inverse_transform(pca.transform(xt))) ** 2, axis=1)
        rows[c] = {"ae_mean": roc_auc_score(yt == c, ae_scores), "pca": roc_auc_score(yt == c, pca_scores)}
    print("| held-out class | AE, mean error | PCA |\n|---|---:|---:|")
    for c, r in rows.items():
        print(f"| {c} | {r['ae_mean']:.3f} | {r['pca']:.3f} |")
    means = {k: float(np.mean([r[k] for r in rows.values()])) for k in ("ae_mean", "pca")}
    print(f"| mean | {means['ae_mean']:.3f} | {means['pca']:.3f} |")
    result = {"jax": jax.__version__, "sklearn": sklearn.__version__, "numpy": np.__version__,
              "seconds": round(time.time() - start, 1), "auc": rows, "mean": means}
    if args.lab_metrics:
        lab = json.load(open(args.lab_metrics))
        gaps = [abs(lab[f"auc_class{c}_pca"] - r["pca"]) for c, r in rows.items() if f"auc_class{c}_pca" in lab]
        result["largest_pca_auc_gap_to_lab"] = max(gaps)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
