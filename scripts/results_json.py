#!/usr/bin/env python3
"""One machine-readable file per run: RESULTS/results.json, every summary
figure with its spread and provenance, for history.py and anyone's tools.

Schema "antmem-results/1" (a later version adds keys, never changes these):
  schema      "antmem-results/1"
  run         {commit, date_utc, command, machine_id, machine}: the run's commit
              and date (the C driver's colony sidecars), the command that made
              it, machine.json's description and an id made from it
  figures     [{scenario, layout, allocator, n, unit, metric, median, min, max,
              reps, machine_dependent, commit}]: every numeric *_per_ant
              summary column and sampling_overhead_ratio, median (min-max)
              over repetitions; machine_dependent: RSS and time, which another
              machine (or load) moves, as opposed to requested/usable/allocated
              bytes and the byte account, exact on any machine with the same
              allocators; commit: the sidecar's (a figure carried forward by
              run-all -P/-D keeps its own)
  gbench      [{name, metric, median, min, max, reps}]: Google Benchmark's
              per-repetition entries (real_time in ns, and its counters)
usage: results_json.py [RESULTS]   (default results). Standard library only.
Exit status: 0 written; 1 bad input (nothing written); 2 bad arguments."""
import argparse
import hashlib
import json
import os
import statistics
import sys

from antmem_results import tool_parser, InputError, read_gbench_entries, read_summary, summaries, write_atomic

SCHEMA = "antmem-results/1"
UNIT_NS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}


def machine_dependent(metric):
    return "rss" in metric or "ns" in metric or metric == "sampling_overhead_ratio"


def machine_id(machine):
    """A short name for the machine: its host name and a hash of what tells
    machines apart (CPU model, family/model/stepping, caches, RAM)."""
    keys = ("cpu_model", "cpu_family_model_stepping", "cpu_caches", "mem_total", "online_cpus")
    digest = hashlib.sha1("|".join(str(machine.get(k, "")) for k in keys).encode()).hexdigest()[:8]
    host = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in machine.get("hostname", "host"))
    return f"{host}-{digest}"


def figures(results):
    out, run = [], {}
    paths = sorted(summaries(results, "summary", "*.csv") +
                   summaries(results, "sizes", "*", "summary", "*.csv") +
                   summaries(results, "lazy-sizes", "*", "summary", "*.csv"))
    for path in paths:
        rows, meta = read_summary(path)
        r0 = rows[0]
        if r0["scenario"] == "colony" and meta.get("allocator") not in ("cpython", "pandas") and not run:
            run = {"commit": meta.get("git_commit"), "date_utc": meta.get("date_utc")}
        for metric in [k for k in r0 if k.endswith("_per_ant") or k.startswith("bytes_per_ant_")] + \
                ["sampling_overhead_ratio"]:
            values = [r[metric] for r in rows if r.get(metric) is not None]
            if not values:
                continue
            out.append({"scenario": r0["scenario"], "layout": r0["layout"], "allocator": r0["allocator"],
                        "n": int(r0["n"]), "unit": meta.get("unit", "ant"), "metric": metric,
                        "median": statistics.median(values), "min": min(values), "max": max(values),
                        "reps": len(values), "machine_dependent": machine_dependent(metric),
                        "commit": meta.get("git_commit")})
    return out, run


def gbench(results):
    path = os.path.join(results, "gbench.json")
    if not os.path.exists(path):
        return []
    by = {}
    for b in read_gbench_entries(path)[1]:
        name = b["run_name"]
        by.setdefault((name, "real_time_ns"), []).append(b["real_time"] * UNIT_NS[b["time_unit"]])
        for k, v in b.items():
            if k.endswith("_per_ant") and isinstance(v, (int, float)):
                by.setdefault((name, k), []).append(v)
    return [{"name": name, "metric": metric, "median": statistics.median(v), "min": min(v), "max": max(v),
             "reps": len(v)} for (name, metric), v in sorted(by.items())]


def build(results, command):
    figs, run = figures(results)
    if not figs:
        raise InputError(f"{results}/summary: no summaries")
    machine = {}
    path = os.path.join(results, "machine.json")
    if os.path.exists(path):
        try:
            with open(path) as f:
                machine = json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"{path}: {e}") from None
    return {"schema": SCHEMA,
            "run": {**run, "command": command, "machine_id": machine_id(machine), "machine": machine},
            "figures": figs, "gbench": gbench(results)}


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("results", nargs="?", default="results")
    parser.add_argument("--command", default="", help="the command that made the run (for the record)")
    args = parser.parse_args()
    try:
        doc = build(args.results, args.command)
        write_atomic(os.path.join(args.results, "results.json"), json.dumps(doc, indent=1) + "\n")
    except (InputError, OSError) as e:
        print(f"results_json.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
