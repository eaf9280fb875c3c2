#!/usr/bin/env python3
"""Builds a folder of fake student submissions from the reference solutions, to exercise
`swift run grade-class --submissions DIR`: correct ones, typical mistakes (the mutants listed in
Tests/Mutants), one that does not compile, one that crashes and one that hangs.

    python3 scripts/make_demo_class.py OUT [--students 20]

Writes OUT/<student>/Labs/... and OUT.expected.csv with the total each student must get
(exact for the five named students, "<max" for the mutants).
"""
import argparse
import json
import os
import shutil

from registry import points_by_lab

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SOLUTIONS = os.path.join(ROOT, "Solutions")

TOTAL = float(sum(points_by_lab().values()))

# The five students whose grades are known exactly (out of TOTAL).
SPECIAL = {
    "alice-correct": (None, TOTAL),
    "bob-corrupted-target": (("Lab03/Lab03Denoising.swift", "model(Variable(corrupted)), targets: clean)",
                              "model(Variable(corrupted)), targets: corrupted)"), TOTAL - 1.5),
    "carol-does-not-compile": (("Lab03/Lab03Denoising.swift", "public func maskingNoise(", "public func maskingNoise(oops"), TOTAL - 9),
    "dave-crashes": (("Lab02/Lab02Sparse.swift", "    hidden.mean(alongAxis: 0)\n", "    fatalError(\"boom\")\n"), TOTAL - 4),
    "erin-hangs": (("Lab06/Lab06Clustering.swift", "    var counts: [Int: [Int: Int]] = [:]\n    for (c, l)",
                    "    var counts: [Int: [Int: Int]] = [:]\n    while clusters.count > 0 { counts[0] = [:] }\n    for (c, l)"), TOTAL - 1),
}


def write_student(out, name, edit):
    labs = os.path.join(out, name, "Labs")
    shutil.copytree(SOLUTIONS, labs)
    if edit:
        path, find, replace = edit
        full = os.path.join(labs, path)
        text = open(full).read()
        assert find in text, f"{name}: text to replace not found in {path}"
        open(full, "w").write(text.replace(find, replace, 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--students", type=int, default=len(SPECIAL))
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    expected = []
    for name, (edit, total) in SPECIAL.items():
        write_student(args.out, name, edit)
        expected.append((name, str(total)))
    mutants = []
    folder = os.path.join(ROOT, "Tests", "Mutants")
    for file in sorted(os.listdir(folder)):
        mutants += json.load(open(os.path.join(folder, file)))
    extra = args.students - len(SPECIAL)
    for i in range(extra):
        if i % 3 == 0:  # a third of the rest are correct
            name = f"student{i + 1:02d}-correct"
            write_student(args.out, name, None)
            expected.append((name, str(TOTAL)))
        else:
            m = mutants[(i * 7) % len(mutants)]
            name = f"student{i + 1:02d}-mistake-{m['exercise']}"
            write_student(args.out, name, (m["file"], m["find"], m["replace"]))
            expected.append((name, f"<{TOTAL:g}"))
    with open(args.out.rstrip("/") + ".expected.csv", "w") as f:
        f.write("folder,total\n" + "".join(f"{n},{t}\n" for n, t in sorted(expected)))
    print(f"wrote {len(expected)} submissions to {args.out}")


if __name__ == "__main__":
    main()
