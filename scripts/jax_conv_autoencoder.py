#!/usr/bin/env python3
"""JAX (XLA, CPU) peer of lab07's convolutional autoencoder, for `bench` and the lab's numbers.

The same architecture as LabKit's ConvAutoencoder: NHWC, 3×3 stride-2 "same" convolutions
28×28×1 → 14×14×16 → 7×7×8 → 4×4×8 (linear code), then transposed convolutions that retrace
7×7×8 → 14×14×16 → 28×28×1 (each the exact adjoint of the matching convolution, so 4 goes
back to 7, not 8), ReLU between layers, sigmoid output, MSE, Adam (2e-3, lab07's default), batch 128.

    v=$(mktemp -d)/jaxenv && python3 -m venv $v && $v/bin/pip install -q jax numpy
    $v/bin/python scripts/jax_conv_autoencoder.py              # median training-step time
    $v/bin/python scripts/jax_conv_autoencoder.py --train DIR  # test MSE after training on the
                                                                # IDX files in DIR (gz or not)

Prints one JSON object.
"""
import json
import os
import statistics
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from idx_files import load

FILTERS = [16, 8, 8]


def conv(x, w, b):
    """3×3 stride-2 SAME convolution, NHWC, filters HWIO."""
    y = jax.lax.conv_general_dilated(x, w, (2, 2), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + b


def conv_transpose(y, w, b, like):
    """The adjoint of `conv(·, w)` from an input shaped like `like`: its vector-Jacobian product."""
    _, vjp = jax.vjp(lambda x: conv(x, w, 0.0), like)
    return vjp(y)[0] + b


def init(key, height=28, width=28, channels=1):
    enc, dec, shapes = [], [], []
    c, h, wd = channels, height, width
    for f in FILTERS:
        key, sub = jax.random.split(key)
        enc.append((jax.random.normal(sub, (3, 3, c, f), jnp.float32) * jnp.sqrt(2.0 / (9 * c)), jnp.zeros(f, jnp.float32)))
        shapes.append((h, wd, c))
        c, h, wd = f, (h + 1) // 2, (wd + 1) // 2
    for (h, wd, c_out), (w, _) in reversed(list(zip(shapes, enc))):
        key, sub = jax.random.split(key)
        dec.append((jax.random.normal(sub, w.shape, jnp.float32) * jnp.sqrt(2.0 / (9 * w.shape[3])), jnp.zeros(c_out, jnp.float32)))
    return {"enc": enc, "dec": dec}, shapes


def make(shapes):
    def forward(params, x):
        h = x
        for i, (w, b) in enumerate(params["enc"]):
            h = conv(h, w, b)
            if i < len(params["enc"]) - 1:
                h = jax.nn.relu(h)
        for i, ((w, b), shape) in enumerate(zip(params["dec"], reversed(shapes))):
            like = jnp.zeros((x.shape[0],) + shape, jnp.float32)
            h = conv_transpose(h, w, b, like)
            h = jax.nn.sigmoid(h) if i == len(params["dec"]) - 1 else jax.nn.relu(h)
        return h

    def loss_fn(params, x):
        return jnp.mean((forward(params, x) - x) ** 2)

    @jax.jit
    def step(params, m, v, t, x, lr=2e-3, b1=0.9, b2=0.999, eps=1e-8):
        loss, grads = jax.value_and_grad(loss_fn)(params, x)
        m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, m, grads)
        v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, v, grads)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        params = jax.tree_util.tree_map(lambda p, m, v: p - lr * (m / c1) / (jnp.sqrt(v / c2) + eps), params, m, v)
        return params, m, v, loss

    return forward, jax.jit(loss_fn), step


def main():
    params, shapes = init(jax.random.PRNGKey(0))
    forward, loss_fn, step = make(shapes)
    m = jax.tree_util.tree_map(jnp.zeros_like, params)
    v = jax.tree_util.tree_map(jnp.zeros_like, params)
    if "--train" in sys.argv:
        folder = sys.argv[sys.argv.index("--train") + 1]
        epochs = int(sys.argv[sys.argv.index("--epochs") + 1]) if "--epochs" in sys.argv else 10
        train = load(folder, "train-images-idx3-ubyte").reshape(-1, 28, 28, 1).astype(np.float32) / 255
        test = load(folder, "t10k-images-idx3-ubyte").reshape(-1, 28, 28, 1).astype(np.float32) / 255
        rng = np.random.default_rng(1)
        t, start = 0, time.perf_counter()
        for _ in range(epochs):
            order = rng.permutation(len(train))
            for i in range(0, len(train) - 127, 128):
                t += 1
                params, m, v, _ = step(params, m, v, t, jnp.asarray(train[order[i:i + 128]]))
        mse = float(np.mean([float(loss_fn(params, jnp.asarray(test[i:i + 1000]))) for i in range(0, len(test), 1000)]))
        print(json.dumps({"implementation": f"JAX {jax.__version__}", "epochs": epochs, "train_images": len(train),
                          "test_mse": round(mse, 5), "seconds": round(time.perf_counter() - start, 1)}))
        return
    x = jax.random.uniform(jax.random.PRNGKey(1), (128, 28, 28, 1), jnp.float32)
    params, m, v, loss = step(params, m, v, 1, x)
    loss.block_until_ready()
    samples = []
    for repeat in range(9):
        start = time.perf_counter()
        for t in range(10):
            params, m, v, loss = step(params, m, v, 2 + repeat * 10 + t, x)
        loss.block_until_ready()
        samples.append((time.perf_counter() - start) / 10)
    print(json.dumps({"implementation": f"JAX {jax.__version__} (jit, CPU)", "cpu_count": os.cpu_count(),
                      "conv_ae_step_ms": round(statistics.median(samples) * 1e3, 3)}))


if __name__ == "__main__":
    main()
