#!/usr/bin/env python3
"""How good the progress display's time-left estimate is for one command.

    python3 scripts/measure_progress_eta.py -- .build/debug/lab07 --out /tmp/lab07

Runs the command with LABKIT_PROGRESS=lines, notes when each "[NN %, T left]" line arrives,
and prints, for each, the time it said was left against the time that really was left.
"""
import os
import re
import subprocess
import sys
import time

LINE = re.compile(r"\[\s*(\d+) %, (?:(\d+)h(\d+)m|(\d+)m(\d+)s|([\d.]+)s) left\]")


def seconds(match):
    h, hm, m, ms, s = match.group(2), match.group(3), match.group(4), match.group(5), match.group(6)
    if h:
        return 3600 * int(h) + 60 * int(hm)
    if m:
        return 60 * int(m) + int(ms)
    return float(s)


def main():
    command = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    start = time.monotonic()
    seen = []
    with subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                          env=dict(os.environ, LABKIT_PROGRESS="lines")) as child:
        for line in child.stderr:
            match = LINE.search(line)
            if match:
                seen.append((time.monotonic() - start, int(match.group(1)), seconds(match)))
    total = time.monotonic() - start
    print(f"{' '.join(command[:1])}: {total:.1f} s in all, exit {child.returncode}")
    print("  at      done   said left   really left   error")
    for at, percent, said in seen:
        really = total - at
        print(f"  {at:6.1f}s  {percent:3d} %  {said:9.1f}s  {really:10.1f}s   {100 * (said - really) / max(really, 1):+5.0f} %")


if __name__ == "__main__":
    main()
