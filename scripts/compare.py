#!/usr/bin/env python3
"""Compares a new run with a baseline, for memory per ant and for time.

Memory: every bytes-per-ant figure present in both runs (the driver's
summaries: requested, allocated, RSS; Google Benchmark's JSON:
allocator_bytes_per_ant) is compared. Requested and allocated bytes are
deterministic, so any change is listed; a figure that grew by more than the
threshold (default 2 %) is a regression and makes the exit status 1. RSS moves
with page granularity and jemalloc's decay timing: it is listed, and counts as
a regression only past its own threshold (default 5 %).

Time: delegated to Google Benchmark's own compare.py (Debian's
libbenchmark-tools) on the two gbench.json files, printed for reading only:
times on a shared machine vary too much to gate on.

usage: compare.py [-t PCT] [--rss-threshold PCT] BASELINE NEW
  BASELINE, NEW  results folders (summary/*.csv and/or gbench.json)
exit status: 0 no memory regression; 1 regression; 2 bad arguments or input"""
import argparse
import json
import os
import statistics
import subprocess
import sys

from antmem_results import InputError, load

GB_COMPARE = "/usr/share/benchmark/compare.py"
# Debian's interpreter: the one whose python3-scipy (which compare.py imports) is installed.
GB_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
SUMMARY_METRICS = ["bytes_per_ant_requested", "bytes_per_ant_usable", "bytes_per_ant_allocated",
                   "bytes_per_ant_rss"]  # all deterministic but RSS


def summary_figures(folder):
    """{(scenario/layout/allocator, metric): median} from summary/*.csv."""
    if not os.path.isdir(os.path.join(folder, "summary")):
        return {}
    figures = {}
    for entry in load(folder, "colony", check_curves=False):
        rows = entry["rows"]
        key = f"{rows[0]['scenario']}/{entry['layout']}/{entry['allocator']} n={int(rows[0]['n'])}"
        for metric in SUMMARY_METRICS:
            values = [r[metric] for r in rows if r[metric] is not None]
            if values:
                figures[(key, metric)] = statistics.median(values)
    return figures


def gbench_figures(folder):
    """{(benchmark name, allocator_bytes_per_ant): median over repetitions}."""
    path = os.path.join(folder, "gbench.json")
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            entries = json.load(f)["benchmarks"]
    except (OSError, ValueError, KeyError) as e:
        raise InputError(f"{path}: not a Google Benchmark JSON file ({e})") from None
    values = {}
    for b in entries:
        if b.get("run_type", "iteration") == "iteration" and "allocator_bytes_per_ant" in b:
            values.setdefault(b["run_name"], []).append(b["allocator_bytes_per_ant"])
    return {(name, "allocator_bytes_per_ant"): statistics.median(v) for name, v in values.items()}


def compare_memory(base, new, threshold, rss_threshold):
    """Prints one line per changed figure; returns the regressions."""
    regressions, shared = [], sorted(set(base) & set(new))
    for key in shared:
        (name, metric), old, cur = key, base[key], new[key]
        if old == cur:
            continue
        change = (cur - old) / old * 100 if old else float("inf")
        limit = rss_threshold if metric == "bytes_per_ant_rss" else threshold
        verdict = "REGRESSION" if change > limit else "changed"
        print(f"{verdict:10} {name} {metric}: {old:.3f} -> {cur:.3f} ({change:+.2f} %, limit {limit} %)")
        if change > limit:
            regressions.append(key)
    print(f"memory: {len(shared)} figures compared, {len(regressions)} regression(s)")
    return regressions


def compare_time(base, new):
    old, cur = os.path.join(base, "gbench.json"), os.path.join(new, "gbench.json")
    if not (os.path.exists(old) and os.path.exists(cur)):
        print("time: no gbench.json in both folders: not compared")
        return
    if not os.path.exists(GB_COMPARE):
        print(f"time: {GB_COMPARE} missing: apt-get install libbenchmark-tools")
        return
    print("time (Google Benchmark's compare.py; for reading, not gating):", flush=True)
    proc = subprocess.run([GB_PYTHON, GB_COMPARE, "--no-color", "-a", "benchmarks", old, cur],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"time: compare.py failed: {proc.stderr.strip().splitlines()[-1:]}")
    print(proc.stdout, end="")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline")
    parser.add_argument("new")
    parser.add_argument("-t", "--threshold", type=float, default=2.0,
                        help="memory regression threshold in percent (default 2)")
    parser.add_argument("--rss-threshold", type=float, default=5.0,
                        help="threshold for RSS per ant in percent (default 5)")
    parser.add_argument("--no-time", action="store_true", help="skip the time comparison")
    args = parser.parse_args()
    try:
        for folder in (args.baseline, args.new):
            if not os.path.isdir(folder):
                raise InputError(f"{folder}: no such results folder")
        base = {**summary_figures(args.baseline), **gbench_figures(args.baseline)}
        new = {**summary_figures(args.new), **gbench_figures(args.new)}
    except (InputError, OSError) as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2
    if not set(base) & set(new):
        print(f"compare.py: {args.baseline} and {args.new} share no memory figure", file=sys.stderr)
        return 2
    regressions = compare_memory(base, new, args.threshold, args.rss_threshold)
    if not args.no_time:
        compare_time(args.baseline, args.new)
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
