#!/usr/bin/env bash
# Times what a student does first, on a fresh clone of this kit (issue 33's targets: the first
# `swift run grade --labs 1` after `swift run lab01` within 2 minutes, a re-grade after editing
# one exercise within 30 s). Prints the CPU and each time.
#
#   bash scripts/measure_first_grade.sh [WORKDIR]      # default: a new folder under /tmp
set -euo pipefail
kit=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d /tmp/labkit-first-grade.XXXXXX)}
clone="$work/kit"
rm -rf "$clone"
git clone -q "$kit" "$clone"
cd "$clone"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
seconds() { local start=$SECONDS; "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }; echo $((SECONDS - start)); }
# A stub stops the lab with exit status 2 (it names the exercise to write): that is the student's first run.
lab=$( { start=$SECONDS; swift run lab01 --quick > "$work/lab.log" 2>&1 || [ $? -eq 2 ]; echo $((SECONDS - start)); } )
echo "swift run lab01 (fresh clone, builds the kit): ${lab} s"
echo "first swift run grade --labs 1:                $(seconds swift run grade --labs 1) s"
echo "// an edit" >> Labs/Lab01/Lab01PCA.swift
echo "swift run grade --labs 1 after an edit:        $(seconds swift run grade --labs 1) s"
echo "swift run grade --only 1.2:                    $(seconds swift run grade --only 1.2) s"
