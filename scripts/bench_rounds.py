#!/usr/bin/env python3
"""Interleaved rounds of the kit's bench and its peers, with medians and ratios.

Each round runs, one after another: `bench` (release), `bench` (debug build, --no-kmeans),
../shared/bench/numpy_reference.py, scripts/numpy_gemm_shapes.py, ../shared/bench/jax_reference.py,
scripts/jax_conv_autoencoder.py and scripts/sklearn_kmeans.py, so that a drift in the machine's speed hits every program alike.
Prints every run's JSON, then one summary JSON object of medians over the rounds, with the CPU
(model, vector extensions, caches, as the bench reads them) beside every ratio; every round must
report the same CPU (a ratio never mixes two machines).

Build first (both configurations, with the reference solutions for lab06's k-means):
    LABKIT_SOLUTIONS=1 swift build -c release --product bench
    LABKIT_SOLUTIONS=1 swift build --product bench
Then, with a Python that has jax and scikit-learn (a throwaway venv):
    $v/bin/python scripts/bench_rounds.py --rounds 5
numpy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (its real speed).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")


def run(command, env=None):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env, cwd=ROOT).stdout
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    print(line, flush=True)
    return json.loads(line)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bin_dir = os.path.join(ROOT, ".build")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    runs = {"release": [], "debug": [], "numpy": [], "numpy_shapes": [], "jax": [], "jax_conv": [], "sklearn": []}
    for r in range(args.rounds):
        print(f"# round {r + 1} of {args.rounds}", flush=True)
        runs["release"].append(run([os.path.join(bin_dir, "release", "bench")]))
        runs["debug"].append(run([os.path.join(bin_dir, "debug", "bench"), "--no-kmeans"]))
        runs["numpy"].append(run([sys.executable, os.path.join(SHARED, "numpy_reference.py")], env))
        runs["numpy_shapes"].append(run([sys.executable, os.path.join(HERE, "numpy_gemm_shapes.py")], env))
        runs["jax"].append(run([sys.executable, os.path.join(SHARED, "jax_reference.py")], env))
        runs["jax_conv"].append(run([sys.executable, os.path.join(HERE, "jax_conv_autoencoder.py")], env))
        runs["sklearn"].append(run([sys.executable, os.path.join(HERE, "sklearn_kmeans.py")], env))

    cpus = {json.dumps(r["cpu"], sort_keys=True) for r in runs["release"] + runs["debug"]}
    if len(cpus) != 1:
        sys.exit(f"bench_rounds.py: the rounds ran on different CPUs ({cpus}); ratios would mix machines")
    cpu = runs["release"][0]["cpu"]
    cpu_line = f"{cpu['model']} ({cpu.get('cpuid', 'cpuid unknown')}); {' '.join(cpu['vector_extensions'])}; {', '.join(cpu['caches'])}; {cpu['logical_cpus']} CPUs"

    def med(name, key, sub=None):
        values = [(r[key][sub] if sub else r[key]) for r in runs[name]]
        return statistics.median(values)

    step = {n: med(n, "train_step_ms") for n in ("release", "debug", "numpy", "jax")}
    shapes = list(runs["numpy"][0]["matmul_gflops"])
    summary = {
        "cpu": cpu_line,
        "rounds": args.rounds,
        "train_step_ms_median": step,
        "step_ratio_to_jax": round(step["release"] / step["jax"], 3),
        "step_ratio_to_numpy": round(step["release"] / step["numpy"], 3),
        "debug_over_release_step": round(step["debug"] / step["release"], 3),
        "gemm_gflops_median": {s: {"labkit": med("release", "matmul_gflops", s), "openblas": med("numpy", "matmul_gflops", s),
                                   "ratio": round(med("release", "matmul_gflops", s) / med("numpy", "matmul_gflops", s), 3)}
                               for s in shapes},
        "step_gemm_gflops_median": {s: {"labkit": med("release", "step_gemm_gflops", s),
                                        "openblas": med("numpy_shapes", "step_gemm_gflops", s),
                                        "ratio": round(med("release", "step_gemm_gflops", s) / med("numpy_shapes", "step_gemm_gflops", s), 3)}
                                    for s in runs["numpy_shapes"][0]["step_gemm_gflops"]},
        "lab_step_ms_median": {k: statistics.median(r["lab_step_ms"][k] for r in runs["release"])
                               for k in runs["release"][0]["lab_step_ms"]},
        "lab_step_ms_debug_median": {k: statistics.median(r["lab_step_ms"][k] for r in runs["debug"])
                                     for k in runs["debug"][0]["lab_step_ms"]},
        "conv_ae_step_ms_median": {"release": med("release", "conv_ae_step_ms"), "debug": med("debug", "conv_ae_step_ms"),
                                   "jax": med("jax_conv", "conv_ae_step_ms"),
                                   "ratio_to_jax": round(med("release", "conv_ae_step_ms") / med("jax_conv", "conv_ae_step_ms"), 3)},
    }
    kmeans = [r["kmeans_60k"] for r in runs["release"] if isinstance(r.get("kmeans_60k"), dict)]
    if kmeans:
        ours = statistics.median(k["seconds"] for k in kmeans)
        theirs = med("sklearn", "seconds")
        summary["kmeans_60k_s_median"] = {"labkit": ours, "sklearn": theirs, "ratio": round(ours / theirs, 3),
                                          "labkit_best_inertia": kmeans[0]["best_inertia"],
                                          "sklearn_best_inertia": runs["sklearn"][0]["best_inertia"]}
    # The CPU beside every ratio, so a ratio copied out of this summary still says where it was measured.
    def tag(node):
        if isinstance(node, dict):
            for key in list(node):
                if key.startswith("ratio") or key.endswith("_ratio") or "_ratio_" in key or key.startswith("step_ratio"):
                    node[key] = {"value": node[key], "cpu": cpu_line}
                else:
                    tag(node[key])
    for key in list(summary):
        if key != "cpu":
            if "ratio" in key or "_over_" in key:
                summary[key] = {"value": summary[key], "cpu": cpu_line}
            else:
                tag(summary[key])
    print(f"# measured on: {cpu_line}")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
