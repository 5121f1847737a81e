#!/usr/bin/env python3
"""The article's own colony, measured under CPython in antmem's CSV schema,
so CPython's curves stand in the same charts as the C layouts.

Runs the seed's classes (Ant with a __dict__ -> layout py_dict; Ant with
__slots__ -> py_slots; the Colony.add_ant loop, f"W{i}", "Worker",
"Tinyopolis") and, like the driver, each repetition three times, each in a
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
import platform
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from antmem_results import CURVE_COLUMNS, SUMMARY_COLUMNS, write_atomic  # noqa: E402

ALLOCATOR = "cpython"
LAYOUTS = {"py_dict": False, "py_slots": True}  # layout -> uses __slots__


def make_classes(slots):
    """The seed's Ant and Colony, verbatim but for the __slots__ switch."""
    if slots:
        class Ant:
            __slots__ = ["worker_id", "role", "colony"]

            def __init__(self, worker_id, role, colony):
                self.worker_id = worker_id
                self.role = role
                self.colony = colony
    else:
        class Ant:
            def __init__(self, worker_id, role, colony):
                self.worker_id = worker_id
                self.role = role
                self.colony = colony

    class Colony:
        def __init__(self, name):
            self.name = name
            self.ants = []

        def add_ant(self, worker_id, role):
            ant = Ant(worker_id, role, self.name)
            self.ants.append(ant)

    return Colony


class Statm:
    """RSS in bytes through one descriptor opened once, as the driver reads it."""

    def __init__(self):
        self.fd = os.open("/proc/self/statm", os.O_RDONLY)
        self.page = os.sysconf("SC_PAGE_SIZE")

    def rss(self):
        return int(os.pread(self.fd, 128, 0).split()[1]) * self.page


def child(mode, slots, n, stride, curve_path):
    """One run in this fresh interpreter; prints its figures as JSON."""
    Colony = make_classes(slots)
    statm = Statm()
    out = {}
    if mode == "traced":
        import tracemalloc
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        colony = Colony("Tinyopolis")
        for i in range(n):
            colony.add_ant(f"W{i}", "Worker")
        out["requested_bytes"] = tracemalloc.get_traced_memory()[0] - before
    elif mode == "timed":
        baseline = statm.rss()
        colony = Colony("Tinyopolis")
        start = time.perf_counter_ns()
        for i in range(n):
            colony.add_ant(f"W{i}", "Worker")
        out["elapsed_ns"] = time.perf_counter_ns() - start
        start = time.perf_counter_ns()
        workers = sum(1 for ant in colony.ants if ant.role == "Worker")
        out["traverse_ns"] = time.perf_counter_ns() - start
        assert workers == n
        out["baseline_rss_bytes"], out["final_rss_bytes"] = baseline, statm.rss()
    else:
        tmp = f"{os.path.dirname(curve_path)}/.{os.path.basename(curve_path)}.tmp{os.getpid()}"
        blank = "," * (len(CURVE_COLUMNS) - 2)  # everything after rss_bytes: not measured
        with open(tmp, "w", buffering=1 << 16) as f:
            f.write(",".join(CURVE_COLUMNS) + "\n")
            baseline = last = peak = statm.rss()
            f.write(f"0,{baseline}{blank}\n")
            rows, last_written = 1, 0
            colony = Colony("Tinyopolis")
            start = time.perf_counter_ns()
            for i in range(n):
                colony.add_ant(f"W{i}", "Worker")
                rss = statm.rss()
                if rss != last:
                    peak = max(peak, rss)
                    last = rss
                    if (i + 1) % stride == 0:
                        f.write(f"{i + 1},{rss}{blank}\n")
                        rows, last_written = rows + 1, i + 1
            out["sampled_elapsed_ns"] = time.perf_counter_ns() - start
            if last_written != n:
                f.write(f"{n},{last}{blank}\n")
                rows += 1
        os.replace(tmp, curve_path)
        out.update(baseline_rss_bytes=baseline, final_rss_bytes=last, peak_rss_bytes=peak,
                   curve_rows=rows)
    print(json.dumps(out))


def run_child(python, mode, slots, n, stride, curve_path):
    proc = subprocess.run([python, os.path.abspath(__file__), "--child", mode,
                           "--slots" if slots else "--no-slots", "--n", str(n),
                           "--curve-stride", str(stride), "--curve", curve_path or ""],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"{mode} run failed: {tail}")
    return json.loads(proc.stdout)




def per_ant(a, b, n):
    return f"{(b - a) / n:.3f}"


def summary_row(layout, rep, n, timed, sampled, traced, curve_file):
    cells = dict.fromkeys(SUMMARY_COLUMNS, "")
    cells.update(
        scenario="colony", layout=layout, allocator=ALLOCATOR, repetition=str(rep), n=str(n),
        complete="1", ants_done=str(n), elapsed_ns=str(timed["elapsed_ns"]),
        sampled_elapsed_ns=str(sampled["sampled_elapsed_ns"]),
        ns_per_ant=per_ant(0, timed["elapsed_ns"], n),
        traverse_ns_per_ant=per_ant(0, timed["traverse_ns"], n),
        sampling_overhead_ratio=f"{sampled['sampled_elapsed_ns'] / timed['elapsed_ns']:.3f}",
        bytes_per_ant_rss=per_ant(sampled["baseline_rss_bytes"], sampled["final_rss_bytes"], n),
        bytes_per_ant_requested=per_ant(0, traced["requested_bytes"], n),
        peak_rss_bytes=str(sampled["peak_rss_bytes"]),
        baseline_rss_bytes=str(sampled["baseline_rss_bytes"]),
        final_rss_bytes=str(sampled["final_rss_bytes"]),
        final_requested_bytes=str(traced["requested_bytes"]),
        unsampled_bytes_per_ant_rss=per_ant(timed["baseline_rss_bytes"], timed["final_rss_bytes"], n),
        curve_rows=str(sampled["curve_rows"]), curve_file=curve_file)
    return ",".join(cells[c] for c in SUMMARY_COLUMNS)


def provenance(python, args):
    version = subprocess.run([python, "-c", "import platform, sys; print(platform.python_version(), "
                              "platform.python_implementation(), platform.python_compiler())"],
                             capture_output=True, text=True).stdout.strip()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    commit = subprocess.run(["git", "-C", root, "describe", "--always", "--dirty", "--abbrev=12"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               "unknown")
    try:
        thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip()
    except OSError:
        thp = "unknown"
    return {
        "command": " ".join([python] + sys.argv), "git_commit": commit,
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "kernel": " ".join(platform.uname()[i] for i in (0, 2, 4)), "cpu_model": cpu,
        "online_cpus": os.cpu_count(), "page_size": os.sysconf("SC_PAGE_SIZE"),
        "transparent_hugepage": thp, "compiler": version.split(" ", 2)[-1], "build": "",
        "meson_version": "", "allocator": ALLOCATOR,
        "allocator_version": f"{version.split()[0]} (pymalloc)",
        "malloc_conf": os.environ.get("PYTHONMALLOC", ""), "scenario": "colony",
        "n": args.n, "reps": args.reps, "curve_stride": args.curve_stride,
    }


def positive(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive integer")
    return int(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=positive, default=500000, help="ants (default 500000)")
    parser.add_argument("--reps", type=positive, default=5, help="repetitions (default 5)")
    parser.add_argument("--curve-stride", type=positive, default=1, help="curve rows every K iterations")
    parser.add_argument("--out", default="results", help="existing results folder (default results)")
    parser.add_argument("--python", default="/usr/bin/python3", help="interpreter measured (default /usr/bin/python3)")
    parser.add_argument("--child", choices=["timed", "sampled", "traced"], help=argparse.SUPPRESS)
    parser.add_argument("--slots", dest="slots", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-slots", dest="slots", action="store_false", help=argparse.SUPPRESS)
    parser.add_argument("--curve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.slots, args.n, args.curve_stride, args.curve)
        return 0
    if not os.path.isdir(args.out) or not os.access(args.out, os.W_OK):
        print(f"colony.py: {args.out}: not a writable folder", file=sys.stderr)
        return 2
    if not os.access(args.python, os.X_OK):
        print(f"colony.py: {args.python}: no such interpreter", file=sys.stderr)
        return 2
    for sub in ("curves", "summary"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    meta = provenance(args.python, args)
    for layout, slots in LAYOUTS.items():
        rows = []
        for rep in range(1, args.reps + 1):
            curve_file = f"curves/colony-{layout}-{ALLOCATOR}-r{rep}.csv"
            try:
                timed = run_child(args.python, "timed", slots, args.n, args.curve_stride, None)
                sampled = run_child(args.python, "sampled", slots, args.n, args.curve_stride,
                                    os.path.join(args.out, curve_file))
                traced = run_child(args.python, "traced", slots, args.n, args.curve_stride, None)
            except RuntimeError as e:
                print(f"colony.py: {layout} r{rep}: {e}", file=sys.stderr)
                return 1
            rows.append(summary_row(layout, rep, args.n, timed, sampled, traced, curve_file))
            print(f"colony.py: {layout} r{rep}/{args.reps}: {args.n} ants, "
                  f"{timed['elapsed_ns'] / 1e9:.3f} s unsampled, "
                  f"{sampled['sampled_elapsed_ns'] / 1e9:.3f} s sampled", file=sys.stderr)
        base = os.path.join(args.out, "summary", f"colony-{layout}-{ALLOCATOR}")
        write_atomic(base + ".csv", ",".join(SUMMARY_COLUMNS) + "\n" + "\n".join(rows) + "\n")
        write_atomic(base + ".json", json.dumps(meta, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
