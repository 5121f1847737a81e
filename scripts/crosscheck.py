#!/usr/bin/env python3
"""Cross-checks the suite's own peak heap figure with valgrind's massif, an
independent heap profiler, and writes RESULTS/crosscheck.json for the report.

Runs build/bench/antmem-glibc --no-fork (massif replaces malloc, so the
glibc binary is the one it can see into) for one layout, once under massif
with --peak-inaccuracy=0 (an exact peak) and --time-unit=B, and compares
massif's peak of useful heap bytes (what was requested, like the suite's
requested_bytes) with the suite's peak requested bytes. The difference is the
driver's own live blocks (stdio buffers and the like, allocated before the
baseline), a few KB.

usage: crosscheck.py [--build BUILD] [--layout L] [--n N] [--out RESULTS]
exit status: 0 within --tolerance (default 1 %), 1 outside it or a run
failed, 2 bad arguments, 77 valgrind absent (a test's "skipped")."""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def peak_heap_bytes(massif_out):
    with open(massif_out) as f:
        text = f.read()
    values = [int(v) for v in re.findall(r"^mem_heap_B=(\d+)$", text, re.M)]
    if not values:
        raise ValueError(f"{massif_out}: no snapshots")
    return max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="build folder (default build)")
    parser.add_argument("--layout", default="dict", help="layout to check (default dict)")
    parser.add_argument("--n", type=int, default=200000, help="ants (default 200000)")
    parser.add_argument("--out", default=None, help="results folder for crosscheck.json (default: none)")
    parser.add_argument("--tolerance", type=float, default=1.0, help="percent (default 1)")
    args = parser.parse_args()
    if args.n < 1:
        print("crosscheck.py: --n must be a positive integer", file=sys.stderr)
        return 2
    if not shutil.which("valgrind"):
        print("crosscheck.py: valgrind not found: apt-get install valgrind", file=sys.stderr)
        return 77
    driver = os.path.join(args.build, "bench", "antmem-glibc")
    if not os.access(driver, os.X_OK):
        print(f"crosscheck.py: {driver}: not built", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        massif_out = os.path.join(tmp, "massif.out")
        command = [driver, "--no-fork", "-q", "--reps", "1", "--layout", args.layout, "--n", str(args.n),
                   "--out", tmp]
        valgrind = ["valgrind", "--tool=massif", "--peak-inaccuracy=0", "--time-unit=B",
                    f"--massif-out-file={massif_out}"]
        proc = subprocess.run(valgrind + command, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"crosscheck.py: massif run failed: {proc.stderr.strip()[-300:]}", file=sys.stderr)
            return 1
        tool_peak = peak_heap_bytes(massif_out)
        with open(os.path.join(tmp, "summary", f"colony-{args.layout}-glibc.csv"), newline="") as f:
            row = next(csv.DictReader(f))
        # The colony only grows and is destroyed at the end: its peak of
        # requested bytes is its final figure.
        suite_peak = int(row["final_requested_bytes"])
    diff = (tool_peak - suite_peak) / suite_peak * 100
    record = {
        "tool": "valgrind massif", "command": " ".join(valgrind[:4] + ["build/bench/antmem-glibc"] + command[1:-2]),
        "layout": args.layout, "n": args.n, "allocator": "valgrind's malloc (antmem-glibc)",
        "tool_peak_bytes": tool_peak, "suite_peak_requested_bytes": suite_peak,
        "difference_percent": round(diff, 4),
    }
    print(f"crosscheck: massif peak heap {tool_peak:,} B, suite peak requested {suite_peak:,} B, "
          f"difference {diff:+.4f} % (tolerance {args.tolerance} %)")
    if args.out:
        path = os.path.join(args.out, "crosscheck.json")
        tmp_path = os.path.join(args.out, f".crosscheck.json.tmp{os.getpid()}")
        with open(tmp_path, "w") as f:
            json.dump(record, f, indent=2)
            f.write("\n")
        os.replace(tmp_path, path)
    return 0 if abs(diff) <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
