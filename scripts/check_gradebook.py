#!/usr/bin/env python3
"""Compares a grader's gradebook.csv with the expected totals of a generated class.

    python3 scripts/check_gradebook.py GRADEBOOK.csv EXPECTED.csv

EXPECTED.csv has the columns folder,total; a total is a number (exact, to 1e-6) or "<N"
(strictly less). Every expected student must have a row, and no row may be unexpected.
Exits 1, naming every mismatch, otherwise prints one line.
"""
import csv
import sys


def main():
    rows = [row for row in csv.DictReader(open(sys.argv[1], newline="")) if row["folder"] != "(max points)"]
    got = {row["folder"]: float(row["total"]) for row in rows}
    expected = {row["folder"]: row["total"] for row in csv.DictReader(open(sys.argv[2], newline=""))}
    problems = []
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
        sys.exit(1)
    print(f"gradebook: all {len(expected)} students got their expected totals")


if __name__ == "__main__":
    main()
