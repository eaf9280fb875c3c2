"""The points of every lab, read from the kit's one point table (Sources/LabGrading/PointTable.swift)."""
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def points_by_lab():
    text = open(os.path.join(ROOT, "Sources", "LabGrading", "PointTable.swift")).read()
    points = {}
    for lab, value in re.findall(r'Exercise\(lab: (\d+), id: "[^"]+", title: "[^"]*", points: ([\d.]+)\)', text):
        points[int(lab)] = points.get(int(lab), 0) + float(value)
    return {lab: int(p) if p == int(p) else p for lab, p in points.items()}
