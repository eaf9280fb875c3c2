#!/usr/bin/env python3
"""The lab registry (Sources/LabRegistry/labs.json) as the scripts and CI read it.

    python3 scripts/registry.py labs            # lab01 lab02 …
    python3 scripts/registry.py ci-plan         # one line per lab: name, first section after training, knobs
    python3 scripts/registry.py figures lab03   # the PNGs the lab writes
    python3 scripts/registry.py points          # lab number and its points, one per line

LABKIT_REGISTRY=FILE reads another registry (the throwaway-lab test does).
"""
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def labs():
    """The registry's labs, in order (dicts with number, title, exerciseFile, exercises, figures, …)."""
    path = os.environ.get("LABKIT_REGISTRY") or os.path.join(ROOT, "Sources", "LabRegistry", "labs.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)["labs"]


def name(lab):
    return "lab%02d" % lab["number"]


def exercise_files():
    """Lab number → its stub file relative to Labs/ ("Lab03/Lab03Denoising.swift")."""
    return {lab["number"]: "Lab%02d/%s" % (lab["number"], lab["exerciseFile"]) for lab in labs()}


def points_by_lab():
    """Lab number → the sum of its exercises' points (an int when whole)."""
    points = {lab["number"]: sum(e["points"] for e in lab["exercises"]) for lab in labs()}
    return {n: int(p) if p == int(p) else p for n, p in points.items()}


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "labs":
        print(" ".join(name(lab) for lab in labs()))
    elif command == "ci-plan":
        for lab in labs():
            print(name(lab), lab["firstSectionAfterTraining"], " ".join(lab["knobsAwayFromDefaults"]))
    elif command == "figures" and len(argv) == 3:
        lab = next((lab for lab in labs() if name(lab) == argv[2]), None)
        if lab is None:
            sys.exit(f"registry.py: {argv[2]} is not in the lab registry")
        print("\n".join(lab["figures"]))
    elif command == "points":
        for number, points in points_by_lab().items():
            print(number, points)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
