#!/usr/bin/env python3
"""results/summary/*.csv + *.json -> results/bytes_per_ant.csv, results/REPORT.md
and the results table in README.md (between its results-table markers).

Standard library only. Refuses, naming the file, any summary that is
malformed or records an incomplete run, so no later step treats a broken run
as a result. Every figure written here is computed from those CSVs."""
import argparse
import csv
import glob
import json
import os
import statistics
import sys

SUMMARY_COLUMNS = [
    "scenario", "layout", "allocator", "repetition", "n", "complete", "ants_done",
    "elapsed_ns", "sampled_elapsed_ns", "ns_per_ant", "sampling_overhead_ratio",
    "bytes_per_ant_rss", "bytes_per_ant_allocated", "bytes_per_ant_requested",
    "bytes_per_ant_active", "peak_rss_bytes", "baseline_rss_bytes", "final_rss_bytes",
    "baseline_allocated_bytes", "final_allocated_bytes", "final_requested_bytes",
    "unsampled_final_allocated_bytes", "unsampled_bytes_per_ant_rss",
    "after_free_allocated_bytes", "curve_rows", "curve_file"]
CURVE_HEADER = ("iteration,rss_bytes,requested_bytes,allocated_bytes,active_bytes,"
                "resident_bytes,mapped_bytes,metadata_bytes")
NUMERIC = SUMMARY_COLUMNS[3:-1]
LAYOUT_ORDER = ["dict", "slots", "soa"]  # the article's order; others follow by name
TABLE_BEGIN = "<!-- results-table:begin (scripts/report.py writes this) -->"
TABLE_END = "<!-- results-table:end -->"


class InputError(Exception):
    pass


def read_summary(path, results_dir):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header != SUMMARY_COLUMNS:
            raise InputError(f"{path}: not an antmem summary (header differs from the documented columns)")
        rows = []
        for lineno, cells in enumerate(reader, start=2):
            if len(cells) != len(SUMMARY_COLUMNS):
                raise InputError(f"{path}:{lineno}: expected {len(SUMMARY_COLUMNS)} fields, got {len(cells)}")
            row = dict(zip(SUMMARY_COLUMNS, cells))
            if row["complete"] != "1":
                raise InputError(f"{path}:{lineno}: incomplete run (complete={row['complete']}): rerun it")
            for key in NUMERIC:
                try:
                    row[key] = float(row[key])
                except ValueError:
                    raise InputError(f"{path}:{lineno}: {key}: '{row[key]}' is not a number") from None
            curve = os.path.join(results_dir, row["curve_file"])
            try:
                with open(curve) as c:
                    if c.readline().strip() != CURVE_HEADER:
                        raise InputError(f"{curve}: not an antmem curve (header differs)")
            except OSError as e:
                raise InputError(f"{curve}: {e.strerror}") from None
            rows.append(row)
    if not rows:
        raise InputError(f"{path}: no runs recorded")
    meta_path = path[:-4] + ".json"
    try:
        with open(meta_path) as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"{meta_path}: {e}") from None
    return rows, meta


def load(results_dir, scenario):
    paths = sorted(glob.glob(os.path.join(results_dir, "summary", f"{scenario}-*.csv")))
    if not paths:
        raise InputError(f"{results_dir}/summary: no {scenario}-*.csv: run antmem first")
    layouts = {}
    for path in paths:
        rows, meta = read_summary(path, results_dir)
        layouts[rows[0]["layout"]] = {"rows": rows, "meta": meta}
    order = [l for l in LAYOUT_ORDER if l in layouts] + sorted(set(layouts) - set(LAYOUT_ORDER))
    return [(l, layouts[l]) for l in order]


def spread(rows, key):
    values = [r[key] for r in rows]
    return statistics.median(values), min(values), max(values)


def figures(layout, entry):
    rows = entry["rows"]
    f = {"layout": layout, "reps": len(rows), "n": int(rows[0]["n"])}
    for key in ("bytes_per_ant_requested", "bytes_per_ant_allocated", "bytes_per_ant_rss",
                "bytes_per_ant_active", "ns_per_ant", "sampling_overhead_ratio",
                "unsampled_bytes_per_ant_rss", "peak_rss_bytes"):
        f[key] = spread(rows, key)
    return f


def write_atomic(path, text):
    tmp = f"{os.path.join(os.path.dirname(path), '.' + os.path.basename(path))}.tmp{os.getpid()}"
    try:
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def bytes_per_ant_csv(rows):
    lines = ["layout,requested,allocated,rss,rss_min,rss_max"]
    for f in rows:
        rss = f["bytes_per_ant_rss"]
        lines.append(f"{f['layout']},{f['bytes_per_ant_requested'][0]:.3f},"
                     f"{f['bytes_per_ant_allocated'][0]:.3f},{rss[0]:.3f},{rss[1]:.3f},{rss[2]:.3f}")
    return "\n".join(lines) + "\n"


def fmt_spread(s, digits=1):
    med, lo, hi = s
    if lo == hi:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f})"


def table(rows):
    base = next((f for f in rows if f["layout"] == "dict"), rows[0])
    out = ["| layout | requested B/ant | allocated B/ant | RSS B/ant, median (min–max) | "
           "vs dict (allocated) | ns/ant unsampled, median (min–max) | sampled / unsampled time |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for f in rows:
        ratio = f["bytes_per_ant_allocated"][0] / base["bytes_per_ant_allocated"][0]
        out.append(f"| {f['layout']} | {f['bytes_per_ant_requested'][0]:.2f} | "
                   f"{f['bytes_per_ant_allocated'][0]:.2f} | {fmt_spread(f['bytes_per_ant_rss'])} | "
                   f"{ratio:.3f} | {fmt_spread(f['ns_per_ant'])} | "
                   f"{fmt_spread(f['sampling_overhead_ratio'])}x |")
    return "\n".join(out)


def caption(rows, meta):
    return (f"N = {rows[0]['n']:,} ants, {rows[0]['reps']} repetition(s) in fresh processes, "
            f"{meta['allocator']} {meta['allocator_version'].split('-g')[0]}, commit "
            f"`{meta['git_commit']}`, {meta['cpu_model']}, {meta['date_utc']}.")


def report(rows, meta, command):
    env = "\n".join(f"| {k} | {meta.get(k, '')} |" for k in (
        "cpu_model", "online_cpus", "kernel", "page_size", "transparent_hugepage", "compiler",
        "build", "allocator", "allocator_version", "malloc_conf", "git_commit", "date_utc",
        "command"))
    return f"""# antmem results: the seed's colony in C

Generated by `{command}` from the CSVs in this folder; do not edit by hand.
{caption(rows, meta)}

{table(rows)}

- **requested**: bytes the layout asked `malloc` for (counted in `layouts/mem.c`).
- **allocated**: bytes jemalloc handed out after rounding to its size classes
  (`thread.allocated - thread.deallocated`: exact, thread cache excluded).
- **RSS**: `/proc/self/statm` resident pages; includes freed-but-not-yet-purged pages
  (jemalloc keeps them ~10 s), so it varies between repetitions while the other two do not.
- Times come from runs that do not sample; curves from sampling runs of the same workload.
  The last column is how much slower the sampling run was.

![RSS per iteration](colony-rss.svg)

![allocated bytes per iteration](colony-allocated.svg)

![bytes per ant](colony-bytes-per-ant.svg)

## Environment

| | |
|---|---|
{env}
"""


def update_readme(path, rows, meta):
    with open(path) as f:
        text = f.read()
    start, end = text.find(TABLE_BEGIN), text.find(TABLE_END)
    if start < 0 or end < start:
        raise InputError(f"{path}: results-table markers not found")
    block = f"{TABLE_BEGIN}\n{caption(rows, meta)}\n\n{table(rows)}\n"
    write_atomic(path, text[:start] + block + text[end:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", default="results", help="results folder (default results)")
    parser.add_argument("--scenario", default="colony", help="scenario to report (default colony)")
    parser.add_argument("--readme", default=None, help="README.md whose table to update (default: none)")
    parser.add_argument("--command", default="scripts/run-all", help="command named in REPORT.md")
    args = parser.parse_args()
    try:
        loaded = load(args.results, args.scenario)
        rows = [figures(l, e) for l, e in loaded]
        meta = loaded[0][1]["meta"]
        write_atomic(os.path.join(args.results, f"{args.scenario}-bytes-per-ant.csv"), bytes_per_ant_csv(rows))
        write_atomic(os.path.join(args.results, "REPORT.md"), report(rows, meta, args.command))
        if args.readme:
            update_readme(args.readme, rows, meta)
    except (InputError, OSError) as e:
        print(f"report.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
