#!/usr/bin/env python3
"""A large class for timing the similarity report: N students x every lab of the registry.

    python3 scripts/make_similarity_class.py OUT [--students 300] [--seed 1]

Each student's lab files start from the reference solutions and are made their own: names are
changed, functions reordered, lines dropped or repeated and statements added at random, so that
most fingerprints are shared by few students (the expensive case for the index). Every tenth
student copies the previous one's files with new names. Used by scripts/measure_similarity.sh.
"""
import argparse
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from registry import labs  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
WORD = re.compile(r"\b[a-z][A-Za-z0-9]*\b")
KEEP = {"let", "var", "for", "in", "if", "else", "return", "func", "public", "throws", "try", "guard", "while",
        "switch", "case", "default", "import", "true", "false", "nil", "self", "where", "break", "continue", "map",
        "reduce", "filter", "sorted", "count", "min", "max", "zip", "inout", "throw", "repeat", "static", "struct"}


def functions(text):
    """The text before the first top-level function, and the functions (doc comment to closing brace)."""
    head, bodies, current, inside = [], [], [], False
    for line in text.split("\n"):
        if not inside and (line.startswith("public func") or line.startswith("///")):
            inside = True
        if inside:
            current.append(line)
            if line == "}":
                bodies.append("\n".join(current))
                current, inside = [], False
        elif not bodies:
            head.append(line)
    return "\n".join(head), bodies


def own_version(text, rng):
    words = sorted(set(WORD.findall(text)) - KEEP)
    names = {w: w + rng.choice(["Value", "Acc", "X", "Tmp", "Cur"]) + str(rng.randrange(100))
             for w in rng.sample(words, len(words) // 3)}
    head, bodies = functions(text)
    rng.shuffle(bodies)
    out = []
    for line in "\n\n".join([head] + bodies).split("\n"):
        r = rng.random()
        if r < 0.05 and line.strip() and not line.strip().startswith(("public", "}", "{")):
            continue  # dropped
        out.append(WORD.sub(lambda m: names.get(m.group(0), m.group(0)), line))
        if r > 0.93 and line.startswith("    ") and line.rstrip().endswith(("{", ")")):
            out.append(f"    let extra{rng.randrange(10 ** 6)} = {rng.randrange(1000)} * {rng.randrange(1000)}")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    solutions = {lab["number"]: open(os.path.join(ROOT, "Solutions", "Lab%02d" % lab["number"], lab["exerciseFile"])).read()
                 for lab in labs()}
    previous = {}
    for s in range(args.students):
        folder = os.path.join(args.out, "student%03d" % s, "Labs")
        files = {}
        for lab in labs():
            n = lab["number"]
            if s % 10 == 9 and n in previous:
                files[n] = own_version(previous[n], rng)  # a copy of the previous student's, renamed again
            else:
                files[n] = own_version(solutions[n], rng)
            path = os.path.join(folder, "Lab%02d" % n)
            os.makedirs(path, exist_ok=True)
            with open(os.path.join(path, lab["exerciseFile"]), "w") as f:
                f.write(files[n])
        previous = files
    print(f"{args.students} students x {len(labs())} labs in {args.out}")


if __name__ == "__main__":
    main()
