#!/usr/bin/env python3
"""Resolution against memory_profiler: runs `mprof run` (Debian's
python3-mprof, sampling the process' RSS from outside every --interval
seconds) over the article's colony build (py_dict, colony.py's timed run,
nothing sampled inside it) and sets its samples beside the suite's own curve
of the same build (RESULTS/curves/colony-py_dict-cpython-r1.csv, a row for
every iteration at which RSS changed).

Writes RESULTS/mprof-colony.csv (source, share of the run, MiB above the first
sample: mprof's samples over its run, the suite's rows over the loop) and
RESULTS/mprof-colony.json (the two counts and the command), atomically.
usage: mprof_colony.py [--n N] [--interval S] [--out RESULTS]
exit status: 0 written; 1 a run failed or the suite's curve is missing;
2 bad arguments; 77 python3-mprof not installed."""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from antmem_results import tool_parser, write_atomic  # noqa: E402

MPROF = "python3-mprof"  # Debian's name for memory_profiler's mprof


def mprof_samples(python, n, interval):
    """[(seconds since the first sample, RSS bytes)] of one mprof run."""
    colony = os.path.join(os.path.dirname(os.path.abspath(__file__)), "colony.py")
    with tempfile.TemporaryDirectory() as tmp:
        dat = os.path.join(tmp, "mprof.dat")
        command = [MPROF, "run", "--interval", str(interval), "--output", dat, python, colony,
                   "--child", "timed", "--no-slots", "--n", str(n), "--curve-stride", "1", "--curve", ""]
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"mprof run failed: {proc.stderr.strip()[-200:]}")
        samples = []
        with open(dat) as f:
            for line in f:
                if line.startswith("MEM "):
                    _, mib, t = line.split()
                    samples.append((float(t), float(mib) * 2**20))
    if len(samples) < 2:
        raise RuntimeError("mprof recorded fewer than two samples")
    t0 = samples[0][0]
    return [(t - t0, rss) for t, rss in samples], command


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("--n", type=int, default=500000, help="ants (default 500000, the suite's curve's)")
    parser.add_argument("--interval", type=float, default=0.1, help="mprof's sampling interval, s (default 0.1, its own)")
    parser.add_argument("--out", default="results", help="results folder holding the suite's py_dict curve")
    parser.add_argument("--python", default="/usr/bin/python3")
    args = parser.parse_args()
    if args.n < 1 or args.interval <= 0:
        print("mprof_colony.py: --n and --interval must be positive", file=sys.stderr)
        return 2
    if not shutil.which(MPROF):
        print(f"mprof_colony.py: {MPROF} not found: apt-get install python3-memory-profiler (skipped)",
              file=sys.stderr)
        return 77
    suite_path = os.path.join(args.out, "curves", "colony-py_dict-cpython-r1.csv")
    try:
        with open(suite_path, newline="") as f:
            suite = [(int(r["iteration"]), int(r["rss_bytes"])) for r in csv.DictReader(f)]
        if suite[-1][0] != args.n:
            raise ValueError(f"{suite_path}: a curve of {suite[-1][0]} ants, not --n {args.n}")
        samples, command = mprof_samples(args.python, args.n, args.interval)
    except (OSError, ValueError, KeyError, IndexError, RuntimeError) as e:
        print(f"mprof_colony.py: {e}", file=sys.stderr)
        return 1
    lines = ["source,share_of_run,mib_above_first"]
    end = samples[-1][0]
    lines += [f"mprof,{t / end:.5f},{(rss - samples[0][1]) / 2**20:.3f}" for t, rss in samples]
    lines += [f"suite,{i / args.n:.5f},{(rss - suite[0][1]) / 2**20:.3f}" for i, rss in suite]
    record = {"n": args.n, "mprof_interval_s": args.interval, "mprof_samples": len(samples),
              "mprof_run_s": round(end, 3), "suite_reads": args.n + 1, "suite_curve_rows": len(suite),
              "suite_curve": os.path.relpath(suite_path, args.out),
              "command": " ".join(command[:5] + ["OUT", command[6], "scripts/reference/colony.py", *command[8:]])}
    write_atomic(os.path.join(args.out, "mprof-colony.csv"), "\n".join(lines) + "\n")
    write_atomic(os.path.join(args.out, "mprof-colony.json"), json.dumps(record, indent=2) + "\n")
    print(f"mprof_colony.py: mprof took {len(samples)} samples of a {end:.2f} s run; the suite read RSS "
          f"after each of {args.n:,} ants and kept {len(suite)} change points", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
