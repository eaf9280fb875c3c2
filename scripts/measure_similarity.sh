#!/usr/bin/env bash
# Times the similarity report on a generated class (scripts/make_similarity_class.py):
#   bash scripts/measure_similarity.sh [STUDENTS]      # default 300 students x every lab
# Prints the CPU, the class's size and the report's wall time (the build is not timed).
set -euo pipefail
cd "$(dirname "$0")/.."
students=${1:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/make_similarity_class.py "$work/class" --students "$students"
swift build --product similarity > /dev/null
bin=$(swift build --show-bin-path)
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
start=$(date +%s%N)
"$bin/similarity" --submissions "$work/class" --out "$work/report" --quiet
ms=$((($(date +%s%N) - start) / 1000000))
echo "similarity: $students students x $(python3 scripts/registry.py labs | wc -w) labs in $((ms / 1000)).$(printf %03d $((ms % 1000))) s (wall); similarity.html $(du -h "$work/report/similarity.html" | cut -f1)"
# The issue's bound: 300 submissions x 9 labs within 60 s on 2 cores.
[ "$ms" -le 60000 ] || { echo "similarity took more than 60 s"; exit 1; }
