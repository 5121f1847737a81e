#!/usr/bin/env python3
"""What the sampled run's overhead is made of, per layout and allocator.

The sampled run pays three things the real workload does not: the kernel's
page-fault records (perf_event_open writes one per fault), the layouts'
usable-size accounting (a size-class lookup per allocation) and the sampler's
per-iteration check. The driver can leave out the last two (--sampler kernel,
--sampler kernel+usable); this script runs each variant with the same
repetitions and splits the sampled/unsampled ratio into those parts.

Each part is a ratio of medians: the sampled runs of one variant against
those of the variant before it, the first against the unsampled runs of all
three variants pooled (the same workload: 3 x REPS runs make a steadier
denominator). Times on this shared machine vary by 5-10 % from run to run,
so a part below about 5 % is within that noise.

usage: overhead.py --build BUILD [--n N] [--reps R] [--out DIR] [--full DIR]
  --full DIR  the summaries of a full run already made with the same N and
              repetitions (run-all's own): not run again
writes DIR/overhead.csv and, for jemalloc's driver, DIR/stride-cost.csv (the
sampled run at stride 1, every change point, against run-all's N/2000) and
prints the tables; exit 0, 1 when a run failed,
2 bad arguments"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile

from antmem_results import tool_parser, InputError, order_key, read_summary, summaries, write_atomic

DRIVERS = ["antmem", "antmem-glibc", "antmem-mimalloc"]
ALLOCATORS = ["jemalloc", "glibc", "mimalloc"]  # what the drivers above measure
PARTS = ["kernel", "kernel+usable", "full"]


def run(driver, parts, n, reps, out, stride=None):
    subprocess.run([driver, "-q", "--n", str(n), "--reps", str(reps),
                    "--curve-stride", str(stride or max(1, n // 2000)),
                    "--sampler", parts, "--out", out], check=True, stdout=subprocess.DEVNULL)
    return read_ratios(out)


def stride_costs(by_part, at_one, n):
    """What a row at every change point costs against run-all's stride: the
    sampled time at each stride over the unsampled and over the sampled run
    that pays the kernel's records alone (jemalloc's driver)."""
    lines = ["layout,allocator,stride,sampled_ns_per_ant,over_unsampled,over_kernel_records_only"]
    for key in sorted(at_one, key=lambda k: order_key(*k, at_one[k]["index"])):
        v, p = at_one[key], by_part[key]
        ns = statistics.median(p["full"]["unsampled"])
        kernel = p["kernel"]["sampled_ns"]
        for stride, sampled in ((max(1, n // 2000), p["full"]["sampled_ns"]), (1, v["sampled_ns"])):
            lines.append(f"{key[0]},{key[1]},{stride},{sampled:.1f},{sampled / ns:.3f},{sampled / kernel:.3f}")
    return lines


def read_ratios(out):
    ratios = {}
    for path in summaries(out, "summary", "colony-*.csv"):
        rows, meta = read_summary(path)
        if rows[0]["allocator"] not in ALLOCATORS:
            continue  # the CPython reference's, in a run-all folder
        key = (rows[0]["layout"], rows[0]["allocator"])
        ratios[key] = {"index": meta.get("layout_index"),"sampled_ns": statistics.median(r["sampled_ns_per_ant"] for r in rows),
                       "unsampled": [r["ns_per_ant"] for r in rows],
                       "faults": statistics.median(r["rss_fault_records"] for r in rows)}
    return ratios


def main():
    ap = tool_parser(__doc__)
    ap.add_argument("--build", required=True)
    ap.add_argument("--n", type=int, default=500000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out", default=None, help="folder for overhead.csv (default: print only)")
    ap.add_argument("--full", default=None, help="results folder of a full run to reuse")
    args = ap.parse_args()
    if args.n < 1 or args.reps < 1:
        ap.error("--n and --reps must be positive")
    by_part = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for driver in DRIVERS:
                exe = os.path.join(args.build, "bench", driver)
                for parts in PARTS[:-1] if args.full else PARTS:
                    out = os.path.join(tmp, driver, parts)
                    os.makedirs(out)
                    for key, v in run(exe, parts, args.n, args.reps, out).items():
                        by_part.setdefault(key, {})[parts] = v
            for key, v in (read_ratios(args.full) if args.full else {}).items():
                by_part.setdefault(key, {})["full"] = v
            out = os.path.join(tmp, "stride-1")
            os.makedirs(out)
            at_one = run(os.path.join(args.build, "bench", DRIVERS[0]), "full", args.n, args.reps, out, stride=1)
    except (subprocess.CalledProcessError, OSError, InputError) as e:
        print(f"overhead.py: {e}", file=sys.stderr)
        return 1
    lines = ["layout,allocator,unsampled_ns_per_ant,fault_records,kernel_records_ratio,"
             "usable_accounting_ratio,per_iteration_check_ratio,sampled_over_unsampled,n,"
             "ns_per_fault_record"]
    print(f"{'layout':12} {'allocator':9} {'ns/ant':>7} {'faults':>7} {'kernel':>7} {'usable':>7} "
          f"{'check':>7} {'total':>7}   (each a factor; total = their product; medians of {args.reps})")
    index = {k: p["index"] for k, parts in by_part.items() for p in parts.values() if "index" in p}
    for (layout, alloc) in sorted(by_part, key=lambda k: order_key(*k, index.get(k))):
        p = by_part[(layout, alloc)]
        if set(p) != set(PARTS):
            print(f"overhead.py: {layout}/{alloc}: not measured in every part", file=sys.stderr)
            return 1
        # the unsampled runs of all three parts are the same workload: their
        # pooled median is a steadier denominator than each part's own
        ns = statistics.median(v for part in PARTS for v in p[part]["unsampled"])
        times = [ns] + [p[part]["sampled_ns"] for part in PARTS]
        kernel, usable, check = (b / a for a, b in zip(times, times[1:]))
        total, faults = times[-1] / ns, p["full"]["faults"]
        print(f"{layout:12} {alloc:9} {ns:7.1f} {faults:7.0f} {kernel:7.3f} {usable:7.3f} {check:7.3f} {total:7.3f}")
        # what one fault record costs: the kernel part's extra time, per record
        per_record = (times[1] - ns) * args.n / faults if faults else 0.0
        lines.append(f"{layout},{alloc},{ns:.1f},{faults:.0f},{kernel:.3f},{usable:.3f},{check:.3f},{total:.3f},"
                     f"{args.n},{per_record:.0f}")
    strides = stride_costs(by_part, at_one, args.n)
    print("\n".join(strides))
    if args.out:
        write_atomic(os.path.join(args.out, "overhead.csv"), "\n".join(lines) + "\n")
        write_atomic(os.path.join(args.out, "stride-cost.csv"), "\n".join(strides) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
