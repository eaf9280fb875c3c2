#!/usr/bin/env bash
# Grades the reference solutions N times (default 50) and reports every check whose verdict is
# not the same in every run — a flaky check (issue 31). Needs a build with the solutions in:
#     LABKIT_SOLUTIONS=1 swift build && scripts/repeat_grading.sh 50
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
bin=$(LABKIT_SOLUTIONS=1 swift build --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
for i in $(seq 1 "$runs"); do
    LABKIT_SOLUTIONS=1 "$bin/grade" --out "$work/run-$i" > "$work/run-$i.log" 2>&1 || true
    if [ ! -s "$work/run-$i/results.json" ]; then
        tail -n 20 "$work/run-$i.log"; echo "run $i wrote no results.json"; exit 1
    fi
    python3 - "$work/run-$i/results.json" > "$work/run-$i.verdicts" <<'PY'
import json, sys
def walk(node, path=""):
    if isinstance(node, dict):
        if "name" in node and ("passed" in node or "status" in node or "verdict" in node):
            print(node["name"], node.get("passed", node.get("status", node.get("verdict"))))
        for key, value in node.items(): walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for item in node: walk(item, path)
walk(json.load(open(sys.argv[1])))
PY
    elapsed=$(( $(date +%s) - start ))
    echo "run $i of $runs: $(grep -Eo 'Total +[0-9.]+ / +[0-9.]+' "$work/run-$i.log" | tail -1) — about $(( elapsed * (runs - i) / i )) s left"
done
sort "$work"/run-*.verdicts | uniq -c | awk -v runs="$runs" '$1 != runs { print "FLAKY:", $0; flaky = 1 } END { exit flaky }' \
    && echo "$runs gradings: every check gave the same verdict every time ($(wc -l < "$work/run-1.verdicts") checks)"
