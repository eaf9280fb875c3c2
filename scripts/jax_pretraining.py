#!/usr/bin/env python3
"""JAX (XLA, CPU) peer of lab08's protocol, written independently of the Swift code.

Greedy layer-wise pretraining of a 784-256-64 ReLU encoder as shallow denoising autoencoders
(masking noise p = 0.25; decoder sigmoid onto pixels for layer 0, linear onto codes above; MSE;
Adam 1e-3, batch 128, 10 epochs each); an end-to-end deep autoencoder from the same initial
encoder weights; then for L = 100, 1000 and all labels and 3 seeds, four classifiers with a
linear head: random initialisation, the stack frozen (probe, head at 10× the learning rate),
the stack fine-tuned, the deep autoencoder's encoder fine-tuned — each for at least 300 steps
and 10 epochs of its labels, batch min(128, L), softmax cross-entropy, Adam. Balanced labelled
subsets (⌊L/K⌋ per class, uniformly without replacement). Weights: He normal under ReLU, Glorot
uniform otherwise; biases zero.

    v=$(mktemp -d)/jaxenv && python3 -m venv $v && $v/bin/pip install -q jax numpy
    $v/bin/python scripts/jax_pretraining.py DIR [--labels 100 1000 all] [--seeds 3]

DIR holds the IDX files (gz or not): Sources/LabData/Resources/fashion-sample or
/usr/share/datasets/fashion-mnist. Prints a Markdown table and one JSON object.
"""
import argparse
import json
import time

import jax
import jax.numpy as jnp
import numpy as np

from idx_files import load


def dense(rng, fan_in, fan_out, relu):
    if relu:
        w = rng.normal(0, np.sqrt(2 / fan_in), (fan_in, fan_out))
    else:
        a = np.sqrt(6 / (fan_in + fan_out))
        w = rng.uniform(-a, a, (fan_in, fan_out))
    return [jnp.asarray(w, jnp.float32), jnp.zeros(fan_out, jnp.float32)]


def adam_init(params):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    return (zeros, zeros, 0)


def make_step(loss_fn, lr, trainable=None):
    """A jitted Adam step; `trainable(params)` masks which leaves move (None: all)."""
    @jax.jit
    def step(params, m, v, t, *batch):
        loss, g = jax.value_and_grad(loss_fn)(params, *batch)
        if trainable is not None:
            g = trainable(g)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
        c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
        params = jax.tree_util.tree_map(lambda p, m, v: p - lr * (m / c1) / (jnp.sqrt(v / c2) + 1e-8), params, m, v)
        return params, m, v, t, loss
    return step


def train(params, step, arrays, epochs, batch, rng, noise=None):
    m, v, t = jax.tree_util.tree_map(jnp.zeros_like, params), jax.tree_util.tree_map(jnp.zeros_like, params), 0
    n = arrays[0].shape[0]
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            parts = [a[idx] for a in arrays]
            if noise is not None:
                parts = noise(parts, rng)
            params, m, v, t, loss = step(params, m, v, t, *parts)
    return params


def relu_stack(layers, x):
    for w, b in layers:
        x = jax.nn.relu(x @ w + b)
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--labels", nargs="+", default=["100", "1000", "all"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args()
    x = load(args.folder, "train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    y = load(args.folder, "train-labels-idx1-ubyte").astype(np.int32)
    xt = load(args.folder, "t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    yt = load(args.folder, "t10k-labels-idx1-ubyte").astype(np.int32)
    sizes, p, lr, batch = [784, 256, 64], 0.25, 1e-3, 128
    start = time.time()
    rng = np.random.default_rng(1)
    initial = [dense(rng, sizes[k], sizes[k + 1], True) for k in range(2)]

    # Greedy layer-wise pretraining.
    def mask(parts, rng):
        (batch_x,) = parts
        return [batch_x * (rng.uniform(size=batch_x.shape) >= p), batch_x]

    stack, inputs = [], x
    for k in range(2):
        decoder = dense(rng, sizes[k + 1], sizes[k], False)
        out = jax.nn.sigmoid if k == 0 else (lambda z: z)

        def loss(params, noisy, clean, out=out):
            (w, b), (dw, db) = params
            return jnp.mean((out(jax.nn.relu(noisy @ w + b) @ dw + db) - clean) ** 2)
        params = train([list(initial[k]), decoder], make_step(loss, lr), [inputs], args.epochs, batch, rng, mask)
        stack.append(params[0])
        inputs = np.asarray(relu_stack([params[0]], inputs))

    # The deep autoencoder from the same initial encoder.
    deep = [list(w) for w in initial] + [dense(rng, 64, 256, True), dense(rng, 256, 784, False)]

    def deep_loss(params, batch_x):
        h = relu_stack(params[:3], batch_x)
        return jnp.mean((jax.nn.sigmoid(h @ params[3][0] + params[3][1]) - batch_x) ** 2)
    deep = train(deep, make_step(deep_loss, lr), [x], args.epochs, batch, rng)
    deep_mse = float(jnp.mean((jax.nn.sigmoid(relu_stack(deep[:3], xt) @ deep[3][0] + deep[3][1]) - xt) ** 2))

    def ce(params, batch_x, batch_y):
        logits = relu_stack(params[:-1], batch_x) @ params[-1][0] + params[-1][1]
        return jnp.mean(jax.nn.logsumexp(logits, axis=1) - jnp.take_along_axis(logits, batch_y[:, None], 1)[:, 0])

    def accuracy(params):
        logits = relu_stack(params[:-1], xt) @ params[-1][0] + params[-1][1]
        return float(jnp.mean(jnp.argmax(logits, 1) == yt))

    ways = ["random", "probe", "stack_fine_tuned", "deep_ae_fine_tuned"]
    results = {}
    for i, word in enumerate(args.labels):
        count = None if word == "all" else int(word)
        accs = {w: [] for w in ways}
        for seed in range(args.seeds):
            r = np.random.default_rng(1000 * (i + 1) + 10 * seed)
            if count is None:
                subset = np.arange(len(y))
            else:
                subset = np.concatenate([r.permutation(np.flatnonzero(y == c))[:count // 10 + (c < count % 10)] for c in range(10)])
            xs, ys = x[subset], y[subset]
            b = min(batch, len(subset))
            epochs = max(args.epochs, -(-args.steps // -(-len(subset) // b)))
            head_rng = np.random.default_rng(1000 * (i + 1) + 10 * seed + 1)
            head = dense(head_rng, 64, 10, False)
            for way in ways:
                if way == "random":
                    enc_rng = np.random.default_rng(1000 * (i + 1) + 10 * seed + 2)
                    enc = [dense(enc_rng, sizes[k], sizes[k + 1], True) for k in range(2)]
                elif way == "deep_ae_fine_tuned":
                    enc = [list(deep[0]), list(deep[1])]
                else:
                    enc = [list(w) for w in stack]
                params = enc + [list(head)]
                if way == "probe":
                    frozen = lambda g: [jax.tree_util.tree_map(jnp.zeros_like, g[0]), jax.tree_util.tree_map(jnp.zeros_like, g[1]), g[2]]
                    step = make_step(ce, 10 * lr, frozen)
                else:
                    step = make_step(ce, lr)
                params = train(params, step, [xs, ys], epochs, b, np.random.default_rng(1000 * (i + 1) + 10 * seed + 3))
                accs[way].append(accuracy(params))
        results[word] = {w: (float(np.mean(a)), float(np.std(a, ddof=1)) if len(a) > 1 else 0.0) for w, a in accs.items()}
    print("| L | " + " | ".join(ways) + " |")
    print("|---|" + "---:|" * len(ways))
    for word, row in results.items():
        print(f"| {word} | " + " | ".join(f"{100 * m:.1f} % ± {100 * s:.1f}" for m, s in row.values()) + " |")
    print(json.dumps({"jax": jax.__version__, "numpy": np.__version__, "seconds": round(time.time() - start, 1),
                      "deep_ae_test_mse": deep_mse, "accuracy": results}))


if __name__ == "__main__":
    main()
