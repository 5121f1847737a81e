#!/usr/bin/env python3
"""Cross-checks the suite's own peak of requested bytes with two independent
heap profilers, valgrind's massif and heaptrack, and writes
RESULTS/crosscheck.json for the report.

Each tool runs build/bench/antmem-glibc --no-fork (the tools replace or wrap
malloc, so the glibc binary is the one they see into) for each layout, and
like is compared with like: the tools count requested bytes, as the suite's
requested_bytes does, not the allocator's rounded sizes.
  massif     --peak-inaccuracy=0 (an exact peak), --time-unit=B, --threshold=0:
             the peak snapshot's useful heap bytes, by the function that
             called malloc
  heaptrack  its peak heap by call stack at the peak (heaptrack_print
             --flamegraph-cost-type peak, exact bytes)
Each tool's bytes through layouts/mem.c are compared with the suite's figure;
the rest of its whole-process peak is listed in the record: the driver's
stdio buffers (4,568 B) and, under heaptrack, 72,704 B allocated at load time
by libstdc++, which heaptrack's own preload library brings into a process
that does not otherwise link it.

usage: crosscheck.py [--tool massif,heaptrack] [--build BUILD] [--layout L[,L...]] [--n N] [--out RESULTS]
exit status: 0 every check within --tolerance (default 0.1 %), 1 outside it or
a run failed, 2 bad arguments, 77 none of the tools installed (a test's
"skipped")."""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from antmem_results import tool_parser, write_atomic

# Frames of layouts/mem.c: every allocation a layout makes passes through one.
LAYOUT_FRAMES = {"mem_alloc", "mem_realloc", "mem_strdup", "mem_grow"}
PACKAGES = {"massif": "valgrind", "heaptrack": "heaptrack"}


class CheckError(Exception):
    pass


def run(command, what):
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise CheckError(f"{what} failed: {proc.stderr.strip()[-300:]}")
    return proc


def split_by_site(costs):
    """(call site, bytes) pairs -> the layouts' bytes, and the rest as a list, largest first."""
    layouts, others = 0, {}
    for where, cost in costs:
        frames = [frame_name(x) for x in where.split(";")]
        if LAYOUT_FRAMES & set(frames):
            layouts += cost
        else:
            tail = ";".join(frames[-3:])
            others[tail] = others.get(tail, 0) + cost
    outside = [{"bytes": b, "stack_tail": w} for w, b in sorted(others.items(), key=lambda x: -x[1])]
    return {"tool_peak_bytes": layouts, "tool_process_peak_bytes": layouts + sum(others.values()),
            "outside_layouts": outside}


def frame_name(frame):
    """ "0x111BDE: mem_realloc (in antmem-glibc)" or "fopen (iofopen.c)" -> the function."""
    return frame.split(": ", 1)[-1].split(" (")[0]


def massif_peak(driver_args, tmp):
    """The peak snapshot's first level: one node per function that called malloc."""
    out = os.path.join(tmp, "massif.out")
    tool = ["valgrind", "--tool=massif", "--peak-inaccuracy=0", "--time-unit=B", "--threshold=0",
            f"--massif-out-file={out}"]
    run(tool + driver_args, "massif run")
    with open(out) as f:
        text = f.read()
    tree = re.search(r"^heap_tree=peak\n(.*?)(?:^#|\Z)", text, re.M | re.S)
    if not tree:
        raise CheckError(f"{out}: no peak snapshot")
    sites = re.findall(r"^ n\d+: (\d+) (.*)$", tree.group(1), re.M)
    return tool[:5], split_by_site((where, int(cost)) for cost, where in sites)


def heaptrack_peak(driver_args, tmp):
    data, stacks = os.path.join(tmp, "heaptrack"), os.path.join(tmp, "peak.stacks")
    run(["heaptrack", "-o", data] + driver_args, "heaptrack run")
    found = [os.path.join(tmp, n) for n in os.listdir(tmp) if n.startswith("heaptrack.")]
    if not found:
        raise CheckError(f"heaptrack wrote no data file in {tmp}")
    run(["heaptrack_print", "-f", found[0], "-F", stacks, "--flamegraph-cost-type", "peak"],
        "heaptrack_print")
    costs = []
    with open(stacks) as f:
        for line in f:
            stack, _, cost = line.rstrip("\n").rpartition(" ")
            if cost.isdigit() and int(cost):
                costs.append((stack.rstrip(";"), int(cost)))
    return ["heaptrack"], split_by_site(costs)


TOOLS = {"massif": massif_peak, "heaptrack": heaptrack_peak}


def check(tool, driver, layout, n):
    with tempfile.TemporaryDirectory() as tmp:
        driver_args = [driver, "--no-fork", "-q", "--reps", "1", "--layout", layout, "--n", str(n), "--out", tmp]
        tool_cmd, figures = TOOLS[tool](driver_args, tmp)
        with open(os.path.join(tmp, "summary", f"colony-{layout}-glibc.csv"), newline="") as f:
            row = next(csv.DictReader(f))
    # The colony only grows and is destroyed at the end: its peak of requested
    # bytes is its final figure.
    suite_peak = int(row["final_requested_bytes"])
    diff = (figures["tool_peak_bytes"] - suite_peak) / suite_peak * 100
    return {"tool": tool, "command": " ".join(tool_cmd + ["build/bench/antmem-glibc"] + driver_args[1:-2]),
            "layout": layout, "n": n, "allocator": "glibc, wrapped by the tool", **figures,
            "suite_peak_requested_bytes": suite_peak, "difference_percent": round(diff, 4)}


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("--tool", default="massif,heaptrack", help="massif, heaptrack or both (default both)")
    parser.add_argument("--build", default="build", help="build folder (default build)")
    parser.add_argument("--layout", default="all",
                        help="layout(s) to check, comma-separated, or all (default all)")
    parser.add_argument("--n", type=int, default=200000, help="ants (default 200000)")
    parser.add_argument("--out", default=None, help="results folder for crosscheck.json (default: none)")
    parser.add_argument("--tolerance", type=float, default=0.1, help="percent (default 0.1)")
    args = parser.parse_args()
    tools, layouts = args.tool.split(","), args.layout.split(",")
    if args.n < 1:
        print("crosscheck.py: --n must be a positive integer", file=sys.stderr)
        return 2
    if any(t not in TOOLS for t in tools):
        print(f"crosscheck.py: --tool: expected massif and/or heaptrack, got '{args.tool}'", file=sys.stderr)
        return 2
    driver = os.path.join(args.build, "bench", "antmem-glibc")
    if not os.access(driver, os.X_OK):
        print(f"crosscheck.py: {driver}: not built", file=sys.stderr)
        return 2
    # The driver's own parser judges --layout (the registry is the only list),
    # before any tool runs; "all" is what its --list names.
    listing = subprocess.run([driver, "--layout", args.layout, "--list"], capture_output=True, text=True)
    if listing.returncode != 0:
        print(f"crosscheck.py: {listing.stderr.strip().removeprefix('antmem: ')}", file=sys.stderr)
        return 2
    if args.layout == "all":
        names = listing.stdout.split("scenarios")[0].splitlines()[1:]
        layouts = [line.split()[0] for line in names if line.strip()]
    if args.out and not (os.path.isdir(args.out) and os.access(args.out, os.W_OK)):
        print(f"crosscheck.py: {args.out}: not a writable folder", file=sys.stderr)
        return 2
    missing = [t for t in tools if not shutil.which("valgrind" if t == "massif" else "heaptrack")]
    for t in missing:
        print(f"crosscheck.py: {t}: not found: apt-get install {PACKAGES[t]} (check skipped)", file=sys.stderr)
    tools = [t for t in tools if t not in missing]
    if not tools:
        return 77
    records = []
    try:
        for tool in tools:
            for layout in layouts:
                r = check(tool, driver, layout, args.n)
                records.append(r)
                print(f"crosscheck: {tool} {layout} n={args.n}: peak {r['tool_peak_bytes']:,} B "
                      f"(whole process {r['tool_process_peak_bytes']:,} B), suite peak requested "
                      f"{r['suite_peak_requested_bytes']:,} B, difference {r['difference_percent']:+.4f} % "
                      f"(tolerance {args.tolerance} %)")
    except (CheckError, OSError, StopIteration) as e:
        print(f"crosscheck.py: {e}", file=sys.stderr)
        return 1
    if args.out:
        try:
            write_atomic(os.path.join(args.out, "crosscheck.json"),
                         json.dumps({"tolerance_percent": args.tolerance, "checks": records}, indent=2) + "\n")
        except OSError as e:
            print(f"crosscheck.py: {e.filename or args.out}: {e.strerror}", file=sys.stderr)
            return 1
    return 0 if all(abs(r["difference_percent"]) <= args.tolerance for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
