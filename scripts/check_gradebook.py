#!/usr/bin/env python3
"""Compares a grader's gradebook.csv with the expected totals of a generated class.

    python3 scripts/check_gradebook.py GRADEBOOK.csv EXPECTED.csv

EXPECTED.csv has the columns folder,total; a total is a number (exact, to 1e-6) or "<N"
(strictly less). Every expected student must have a row, and no row may be unexpected.
Exits 1, naming every mismatch and printing the notes of each mismatched student's
feedback.md (it sits beside the gradebook), otherwise prints one line.
"""
import csv
import os
import sys


def main():
    rows = [row for row in csv.DictReader(open(sys.argv[1], newline="")) if row["folder"] != "(max points)"]
    got = {row["folder"]: float(row["total"]) for row in rows}
    expected = {row["folder"]: row["total"] for row in csv.DictReader(open(sys.argv[2], newline=""))}
    problems, mismatched = [], []
    for folder, total in sorted(expected.items()):
        if folder not in got:
            problems.append(f"{folder}: no row in the gradebook")
        elif total.startswith("<"):
            if not got[folder] < float(total[1:]):
                problems.append(f"{folder}: got {got[folder]}, expected less than {total[1:]}")
        elif abs(got[folder] - float(total)) > 1e-6:
            problems.append(f"{folder}: got {got[folder]}, expected {total}")
    problems += [f"{folder}: unexpected row" for folder in sorted(set(got) - set(expected))]
    if problems:
        print("gradebook mismatch:\n  " + "\n  ".join(problems))
        for problem in problems:
            feedback = os.path.join(os.path.dirname(sys.argv[1]), problem.split(":")[0], "feedback.md")
            if os.path.isfile(feedback):
                lines = open(feedback, errors="replace").readlines()
                notes = next((i + 1 for i, line in enumerate(lines) if line.startswith("Total")), 0)
                print(f"--- {feedback}, after the score table:")
                print("".join(lines[notes:notes + 40]))
        sys.exit(1)
    print(f"gradebook: all {len(expected)} students got their expected totals")


if __name__ == "__main__":
    main()
