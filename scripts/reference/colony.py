#!/usr/bin/env python3
"""The article's own colony, measured under CPython in antmem's CSV schema,
so CPython's curves stand in the same charts as the C layouts.

Runs the seed's classes (Ant with a __dict__ -> layout py_dict; Ant with
__slots__ -> py_slots; the Colony.add_ant loop, f"W{i}", "Worker",
"Tinyopolis"), and py_dict_materialized: py_dict's loop that also asks each
new ant for its __dict__. From CPython 3.11 an instance keeps its attribute
values inline and builds no dict object until __dict__ is asked for, so this
variant shows what a py_dict ant cost before 3.11 (and costs whenever code
touches vars(obj)). Like the driver, it runs each repetition three times, each in a
fresh interpreter:
  timed     the loop alone, nothing read inside it (elapsed_ns), then one
            pass over the ants reading their role (traverse_ns_per_ant)
  sampled   /proc/self/statm after every iteration, a curve row per change
  traced    tracemalloc on: the bytes CPython's allocators were asked for
            (requested_bytes); its own bookkeeping inflates RSS, hence apart
Writes OUT/curves/colony-<layout>-cpython-r<k>.csv and
OUT/summary/colony-<layout>-cpython.{csv,json}, each atomically. Standard
library only. Exit status: 0 done, 1 a run failed, 2 bad arguments."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from article_colony import make_colony  # noqa: E402  the article's classes
from measure import SUMMARY_COLUMNS, Curve, Statm, positive, provenance, run_child, summary_row  # noqa: E402
from antmem_results import tool_parser, write_atomic  # noqa: E402

ALLOCATOR = "cpython"
# layout -> (uses __slots__, asks each ant for its __dict__)
LAYOUTS = {"py_dict": (False, False), "py_slots": (True, False), "py_dict_materialized": (False, True)}


def adder(colony, materialize):
    """colony.add_ant, or add_ant followed by asking the new ant for its
    __dict__ (CPython 3.11+ then builds the dict it had deferred)."""
    if not materialize:
        return colony.add_ant

    def add(worker_id, role):
        colony.add_ant(worker_id, role)
        colony.ants[-1].__dict__  # noqa: B018  the access is the point
    return add


def child(mode, slots, materialize, n, stride, curve_path):
    """One run in this fresh interpreter; prints its figures as JSON."""
    Colony = make_colony(slots)
    statm = Statm()
    out = {}
    if mode == "traced":
        import tracemalloc
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        colony = Colony("Tinyopolis")
        add = adder(colony, materialize)
        for i in range(n):
            add(f"W{i}", "Worker")
        out["requested_bytes"] = tracemalloc.get_traced_memory()[0] - before
    elif mode == "timed":
        baseline = statm.rss()
        colony = Colony("Tinyopolis")
        add = adder(colony, materialize)
        start = time.perf_counter_ns()
        for i in range(n):
            add(f"W{i}", "Worker")
        out["elapsed_ns"] = time.perf_counter_ns() - start
        start = time.perf_counter_ns()
        workers = sum(1 for ant in colony.ants if ant.role == "Worker")
        out["traverse_ns"] = time.perf_counter_ns() - start
        assert workers == n
        out["baseline_rss_bytes"], out["final_rss_bytes"] = baseline, statm.rss()
    else:
        curve = Curve(curve_path, statm, stride=stride)
        colony = Colony("Tinyopolis")
        add = adder(colony, materialize)
        start = time.perf_counter_ns()
        for i in range(n):
            add(f"W{i}", "Worker")
            curve.tick(i + 1)
        out["sampled_elapsed_ns"] = time.perf_counter_ns() - start
        out.update(curve.close())
    print(json.dumps(out))


def run_mode(python, mode, kind, n, stride, curve_path):
    slots, materialize = kind
    try:
        return run_child(python, os.path.abspath(__file__), [
            "--child", mode, "--slots" if slots else "--no-slots",
            *(["--materialize"] if materialize else []), "--n", str(n),
            "--curve-stride", str(stride), "--curve", curve_path or ""])
    except RuntimeError as e:
        raise RuntimeError(f"{mode} run failed: {e}") from None


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("--n", type=positive, default=500000, help="ants (default 500000)")
    parser.add_argument("--reps", type=positive, default=5, help="repetitions (default 5)")
    parser.add_argument("--curve-stride", type=positive, default=1, help="curve rows every K iterations")
    parser.add_argument("--out", default="results", help="existing results folder (default results)")
    parser.add_argument("--python", default="/usr/bin/python3", help="interpreter measured (default /usr/bin/python3)")
    parser.add_argument("--child", choices=["timed", "sampled", "traced"], help=argparse.SUPPRESS)
    parser.add_argument("--slots", dest="slots", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-slots", dest="slots", action="store_false", help=argparse.SUPPRESS)
    parser.add_argument("--materialize", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--curve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.slots, args.materialize, args.n, args.curve_stride, args.curve)
        return 0
    if not os.path.isdir(args.out) or not os.access(args.out, os.W_OK):
        print(f"colony.py: {args.out}: not a writable folder", file=sys.stderr)
        return 2
    if not os.access(args.python, os.X_OK):
        print(f"colony.py: {args.python}: no such interpreter", file=sys.stderr)
        return 2
    for sub in ("curves", "summary"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    meta = provenance(args.python, "colony", ALLOCATOR,
                      'print(platform.python_version() + " (pymalloc)")',
                      {"n": args.n, "reps": args.reps, "curve_stride": args.curve_stride})
    for layout, kind in LAYOUTS.items():
        rows = []
        for rep in range(1, args.reps + 1):
            curve_file = f"curves/colony-{layout}-{ALLOCATOR}-r{rep}.csv"
            try:
                timed = run_mode(args.python, "timed", kind, args.n, args.curve_stride, None)
                sampled = run_mode(args.python, "sampled", kind, args.n, args.curve_stride,
                                   os.path.join(args.out, curve_file))
                traced = run_mode(args.python, "traced", kind, args.n, args.curve_stride, None)
            except RuntimeError as e:
                print(f"colony.py: {layout} r{rep}: {e}", file=sys.stderr)
                return 1
            rows.append(summary_row("colony", layout, ALLOCATOR, rep, args.n, timed, sampled, curve_file,
                                    requested=traced["requested_bytes"]))
            print(f"colony.py: {layout} r{rep}/{args.reps}: {args.n} ants, "
                  f"{timed['elapsed_ns'] / 1e9:.3f} s unsampled, "
                  f"{sampled['sampled_elapsed_ns'] / 1e9:.3f} s sampled", file=sys.stderr)
        base = os.path.join(args.out, "summary", f"colony-{layout}-{ALLOCATOR}")
        write_atomic(base + ".csv", ",".join(SUMMARY_COLUMNS) + "\n" + "\n".join(rows) + "\n")
        write_atomic(base + ".json", json.dumps(meta, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
