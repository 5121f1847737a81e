#!/usr/bin/env python3
"""The lazy and chunked scenarios' results -> results/lazy.csv,
results/chunked-by-size.csv and results/DATASETS.md (tables and charts).

Reads RESULTS/summary/lazy-*.csv, RESULTS/lazy-sizes/<rows>/summary/lazy-*.csv
and RESULTS/sizes/<rows>/summary/chunked-*.csv
with their curves (standard library only); refuses malformed or incomplete
input like report.py, naming the file.
Exit status: 0 written; 1 bad or incomplete input (nothing written); 2 bad arguments."""
import argparse
import glob
import json
import os
import sys

from antmem_results import tool_parser, InputError, figure, first_access, read_curve, read_summary, summaries, write_atomic
from antmem_results import median_of as median


def delta(a, b, key):
    """a[key] - b[key], or None where the figure was not measured (pandas'
    requested bytes)."""
    return a[key] - b[key] if key in a and key in b else None


def cell(v, digits=None):
    if v is None:
        return ""
    return f"{v:.{digits}f}" if digits is not None else str(v)


def mib(v):
    return "–" if v is None else f"{v / 2**20:.2f}"


# (variant, allocator) of the chunked scenario: the C driver's, then the article's pandas code
CHUNKED = [("whole", "jemalloc"), ("chunked", "jemalloc"), ("reread", "jemalloc"),
           ("py_whole", "pandas"), ("py_chunksize", "pandas"), ("py_skiprows", "pandas")]


def lazy_section(results, data_rows):
    paths = summaries(results, "summary", "lazy-*.csv")
    if not paths:
        return "", ""
    lines = ["variant,allocator,processors,requested_bytes,usable_bytes,rss_bytes,bytes_read,elapsed_ns,"
             "requested_bytes_per_row,usable_bytes_per_row,rss_bytes_per_row"]
    table = ["| variant | allocator | processors | requested MiB at the end | RSS MiB at the end | "
             "file read (MiB) | time s | requested B/row | usable B/row | RSS B/row |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    single = ""
    for path in paths:
        rows, _ = read_summary(path, results)
        r0 = rows[0]
        c = read_curve(results, r0)
        base, last = c[0], c[-1]
        req = delta(last, base, "requested_bytes")
        rss = median(rows, "final_rss_bytes") - median(rows, "baseline_rss_bytes")
        read = last["bytes_read"] - base["bytes_read"]
        t = median(rows, "elapsed_ns")
        # one dataset's bytes per row: what the first load added, over the file's rows
        def at(i):  # the curve keeps change points only: its value at i is the last row up to i
            return max((p for p in c if p["iteration"] <= i), key=lambda p: p["iteration"])
        _, prev, load = first_access(c)
        # the loading processor also copied its path (the step between two processors
        # that do not load): take that out
        kinds = ("requested_bytes", "usable_bytes", "rss_bytes")
        no_load_step = c[-1]["iteration"] >= 2 and at(2)["bytes_read"] == base["bytes_read"]
        per_row = {}
        for k in kinds:
            step = delta(load, prev, k)
            path_step = delta(at(2), at(1), k) if no_load_step and k != "rss_bytes" else 0
            per_row[k] = None if step is None else (step - path_step) / data_rows
        lines.append(",".join([r0["layout"], r0["allocator"], str(int(r0["n"])), cell(req),
                               cell(delta(last, base, "usable_bytes") and last["usable_bytes"]),
                               f"{rss:.0f}", str(read), f"{t:.0f}"]
                              + [cell(per_row[k], 3) for k in kinds]))
        table.append(f"| {r0['layout']} | {r0['allocator']} | {int(r0['n'])} | {mib(req)} | {rss / 2**20:.2f} | "
                     f"{read / 2**20:.2f} | {t / 1e9:.3f} | "
                     + " | ".join(cell(per_row[k], 1) or "–" for k in kinds) + " |")
        first = load["iteration"]
        if r0["layout"] == "lazy-rows":
            # one processor before any access, then the first access: deltas read off the curve
            before = (at(2)["requested_bytes"] - at(1)["requested_bytes"]) if c[-1]["iteration"] >= 2 else None
            access = load["requested_bytes"] - prev["requested_bytes"]
            single = (f"One `DataProcessor` allocates **{before} bytes** of its own before its first access (a copy of its "
                      f"path: its loader struct sits in an array made up front); its first access adds **{access:,} bytes** (the dataset, "
                      f"{access / 1e6:.2f} MB) — the seed's before/after figure, from the lazy-rows curve "
                      f"(processors {prev['iteration']} → {first}).") if before is not None else ""
        if r0["layout"] == "py_lazy":
            # the article's DataLoader: what RSS did before and at the first access
            single += (f"\n\nThe article's own `DataLoader` (CPython, pandas): creating processors 1 to {first - 1} "
                       f"moved RSS by **{prev['rss_bytes'] - base['rss_bytes']:,} bytes** (nothing is "
                       f"loaded: its claim holds); processor {first}'s first access added "
                       f"**{load['rss_bytes'] - prev['rss_bytes']:,} bytes** of RSS.")
    return "\n".join(lines) + "\n", "\n".join(table) + "\n\n" + single + "\n"


def first_access_section(results):
    """The seed's before/after figure at larger files (RESULTS/lazy-sizes/<rows>/):
    what processors held before the first access, and what that access added."""
    dirs = sorted(glob.glob(os.path.join(results, "lazy-sizes", "*", "summary")),
                  key=lambda d: int(os.path.basename(os.path.dirname(d))))
    table = ["| rows | variant | allocator | processors before | held before the first access | "
             "the first access adds (requested) | the first access adds (RSS) | file read |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for d in dirs:
        folder = os.path.dirname(d)
        for path in summaries(d, "lazy-*.csv"):
            rows, _ = read_summary(path, folder)
            base, quiet, load = first_access(read_curve(folder, rows[0]))
            first = load["iteration"]
            held = delta(quiet, base, "requested_bytes")
            held_text = f"{held:,} B requested" if held is not None else \
                f"{quiet['rss_bytes'] - base['rss_bytes']:,} B RSS"
            added = delta(load, quiet, "requested_bytes")
            table.append(f"| {int(os.path.basename(folder)):,} | {rows[0]['layout']} | {rows[0]['allocator']} | "
                         f"{first - 1} | {held_text} | {mib(added)}{' MiB' if added is not None else ''} | "
                         f"{(load['rss_bytes'] - quiet['rss_bytes']) / 2**20:.1f} MiB | "
                         f"{(load['bytes_read'] - base['bytes_read']) / 2**20:.1f} MiB |")
    if len(table) == 2:
        return ""
    return ("\n### The first access at MNIST's size\n\n" + "\n".join(table) +
            "\n\nFive processors over the large file, the fifth processing (`--n 5 --fraction 20`), "
            "C from the driver, Python from the article's `DataLoader`.\n")


def sizes_section(results):
    dirs = sorted(glob.glob(os.path.join(results, "sizes", "*", "summary")),
                  key=lambda d: int(os.path.basename(os.path.dirname(d))))
    if not dirs:
        return "", ""
    lines = ["rows,variant,allocator,chunks,peak_rss_bytes,peak_requested_bytes,bytes_read,elapsed_ns"]
    table = ["| rows | variant | allocator | chunks | peak RSS MiB | peak requested MiB | file read MiB | time s |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for d in dirs:
        folder = os.path.dirname(d)
        n_rows = int(os.path.basename(folder))
        for variant, allocator in CHUNKED:
            path = os.path.join(d, f"chunked-{variant}-{allocator}.csv")
            if not os.path.exists(path):
                continue
            rows, _ = read_summary(path, folder)
            c = read_curve(folder, rows[0])
            peak_req = max(p["requested_bytes"] for p in c) - c[0]["requested_bytes"] \
                if "requested_bytes" in c[0] else None
            peak_rss = median(rows, "peak_rss_bytes") - median(rows, "baseline_rss_bytes")
            read = c[-1]["bytes_read"] - c[0]["bytes_read"]
            t = median(rows, "elapsed_ns")
            lines.append(f"{n_rows},{variant},{allocator},{int(rows[0]['n'])},{peak_rss:.0f},{cell(peak_req)},"
                         f"{read},{t:.0f}")
            table.append(f"| {n_rows:,} | {variant} | {allocator} | {int(rows[0]['n'])} | {peak_rss / 2**20:.2f} | "
                         f"{mib(peak_req)} | {read / 2**20:.1f} | {t / 1e9:.3f} |")
    return "\n".join(lines) + "\n", "\n".join(table) + "\n"


def provenance_line(results):
    """'C runs: commit X, date Y; pandas runs: ...' from the sidecars, so that
    results carried forward by run-all -D or -P keep their own origin."""
    seen = {}
    for path in sorted(glob.glob(os.path.join(results, "summary", "*.json")) +
                       glob.glob(os.path.join(results, "sizes", "*", "summary", "*.json"))):
        if os.path.basename(path).startswith(("lazy-", "chunked-")):
            with open(path) as f:
                meta = json.load(f)
            who = "pandas runs" if meta.get("allocator") == "pandas" else "C runs"
            seen.setdefault(who, set()).add(f"commit `{meta.get('git_commit')}`, {meta.get('date_utc', '?')[:10]}")
    return "; ".join(f"{who}: {' and '.join(sorted(v))}" for who, v in sorted(seen.items())) + "."


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("results", nargs="?", default="results")
    parser.add_argument("--command", default="scripts/run-all")
    parser.add_argument("--lazy-rows", type=int, default=4000,
                        help="rows in the lazy scenario's file, for bytes per row (default 4000, run-all's)")
    args = parser.parse_args()
    try:
        if args.lazy_rows < 1:
            raise InputError("--lazy-rows must be a positive integer")
        lazy_csv, lazy_md = lazy_section(args.results, args.lazy_rows)
        lazy_md += first_access_section(args.results)
        sizes_csv, sizes_md = sizes_section(args.results)
        if not lazy_csv and not sizes_csv:
            raise InputError(f"{args.results}: no lazy or chunked results")
        origin = provenance_line(args.results)
        if lazy_csv:
            write_atomic(os.path.join(args.results, "lazy.csv"), lazy_csv)
        if sizes_csv:
            write_atomic(os.path.join(args.results, "chunked-by-size.csv"), sizes_csv)
        write_atomic(os.path.join(args.results, "DATASETS.md"), f"""# Lazy initialization and chunked processing

Generated by `{args.command}` from the CSVs in this folder; do not edit by hand.
{origin} The seed's
second and third techniques on an MNIST-shaped CSV (`antmem-mnist-gen`: a label and 784
pixels per row, deterministic). Requested bytes are exact; RSS varies with the allocator's
decay timing; times come from the unsampled runs (median over repetitions). Bytes per row:
what one dataset added at its first load (array capacity and the 12.6 KB dataset struct
included) over the file's rows; rows and columns hold the same 785-byte payload, and differ
by growth and by the allocator's rounding of one large array against 785 small ones.

## Lazy initialization (`cached_property`)

{lazy_md}
{figure('lazy-rss', 'RSS per processor')}

## Chunked processing (generators)

Peak memory against input size: `whole` loads everything, then processes; `chunked` holds one
chunk of rows at a time from a single pass; `reread` is the seed's first `load_data`, which
re-reads the file from the top for every chunk (`skiprows`). Peak requested bytes are read at
the end of each iteration, so they show what is held between chunks; the float copy each
chunk is normalised into (500 × 784 × 4 bytes) lives only inside its iteration and shows in
the RSS peak instead.

{sizes_md}
{figure('chunked-rss', 'RSS per chunk')}

{figure('chunked-peak-by-size', 'peak RSS by input size')}

{figure('chunked-read-by-size', 'bytes read by input size')}

{figure('chunked-time-by-size', 'time by input size')}
""")
    except (InputError, OSError) as e:
        print(f"dataset_report.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
