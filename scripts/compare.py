#!/usr/bin/env python3
"""Compares a new run with a baseline, for memory per ant and for time.

Memory: every bytes-per-ant figure present in both runs (the driver's
summaries of the colony and of your own records, scripts/run-all --record:
requested, usable, allocated, RSS; Google Benchmark's JSON:
allocator_bytes_per_ant) is compared against its own tolerance:
  requested, usable, allocated, allocator_bytes_per_ant  deterministic to the
      byte, so any change is listed and any growth is a regression
      (--tolerance, default 0 %)
  RSS (as the run ended, and after free pages were returned)  varies from
      one fresh process to the next (where the heap lands, when jemalloc's
      decay returns a freed array), so it gets the variation measured in the
      two runs themselves: the larger of the two runs' repetition ranges
      (max - min; every repetition is a new process) plus --rss-pages pages
      (default 2) over the run's ants, plus --rss-tolerance percent
      (default 0). The pages are added, not a floor: glibc's RSS is bimodal
      and each mode moves by a page between runs, so a median that changes
      mode moves by the range and a page. The line says so.
For a changed colony figure, the line below it says which components of the
breakdown (scripts/breakdown.py: payload, headers, table slack, growth slack,
size-class rounding, allocator overhead, resident not in use) moved, and by
how much per ant: the design change behind the number.

Time: delegated to Google Benchmark's own compare.py (Debian's
libbenchmark-tools) on the two gbench.json files, printed for reading only:
times on a shared machine vary too much to gate on.

usage: compare.py [--tolerance PCT] [--rss-tolerance PCT] [--rss-pages K] BASELINE NEW
  BASELINE, NEW  results folders (summary/*.csv and/or gbench.json)
exit status: 0 no memory regression; 1 regression; 2 bad arguments or input"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

import breakdown
from antmem_results import tool_parser, InputError, load, read_gbench_entries, summaries

GB_COMPARE = "/usr/share/benchmark/compare.py"
# Debian's interpreter: the one whose python3-scipy (which compare.py imports) is installed.
GB_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
EXACT = ["bytes_per_ant_requested", "bytes_per_ant_usable", "bytes_per_ant_allocated"]
RSS = ["bytes_per_ant_rss", "bytes_per_ant_rss_purged"]
# What an RSS figure depends on beside the code (the sidecar's fields): where
# they match, RSS is gated, on any machine (a host name says nothing of it);
# a field one side lacks (an older sidecar) is not compared.
RSS_ENVIRONMENT = ("kernel", "page_size", "transparent_hugepage", "libc_version", "allocator_version",
                   "malloc_conf", "allocator_env")


def gated_scenarios(folder):
    """The colony and every record measured in folder (your own records,
    scripts/run-all --record): the scenarios whose unit is one object. The
    lazy and chunked scenarios' iterations are not gated here."""
    found = set()
    for path in summaries(folder, "summary", "*.csv"):
        try:
            with open(path[:-4] + ".json") as f:
                meta = json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"{path[:-4]}.json: {e}") from None
        if meta.get("scenario") == "colony" or (meta.get("unit") == "record" and isinstance(meta.get("scenario"), str)):
            found.add(meta["scenario"])
    return sorted(found)


def summary_figures(folder):
    """({(run, metric): median}, {run: {"n", "page_size", "parts", "range"}})
    from summary/*.csv, where run is "scenario/layout/allocator n=N" and
    range[metric] is max - min over the repetitions."""
    if not os.path.isdir(os.path.join(folder, "summary")):
        return {}, {}
    figures, runs = {}, {}
    entries = [e for scenario in gated_scenarios(folder) for e in load(folder, scenario, check_curves=False)]
    for entry in entries:
        rows = entry["rows"]
        key = f"{rows[0]['scenario']}/{entry['layout']}/{entry['allocator']} n={int(rows[0]['n'])}"
        try:
            parts = breakdown.breakdown(entry)
        except breakdown.BreakdownError as e:  # compare the figures; say why there is no breakdown
            parts = f"no breakdown: {e}"
        runs[key] = {"n": int(rows[0]["n"]), "page_size": int(entry["meta"].get("page_size", 4096)),
                     "parts": parts, "range": {},
                     "env": {k: entry["meta"][k] for k in RSS_ENVIRONMENT if k in entry["meta"]}}
        for metric in EXACT + RSS:
            values = [r[metric] for r in rows if r[metric] is not None]
            if values:
                figures[(key, metric)] = statistics.median(values)
                runs[key]["range"][metric] = max(values) - min(values)
    return figures, runs


def gbench_figures(folder):
    """{(benchmark name, allocator_bytes_per_ant): median over repetitions}."""
    path = os.path.join(folder, "gbench.json")
    if not os.path.exists(path):
        return {}
    values = {}
    for b in read_gbench_entries(path)[1]:
        if "allocator_bytes_per_ant" in b:
            values.setdefault(b["run_name"], []).append(b["allocator_bytes_per_ant"])
    return {(name, "allocator_bytes_per_ant"): statistics.median(v) for name, v in values.items()}


def tolerance(metric, old, base_run, new_run, args):
    """(allowed growth per ant, how it was set) for one figure."""
    if metric not in RSS:
        return old * args.tolerance / 100, f"{args.tolerance:g} %: deterministic"
    runs = [r for r in (base_run, new_run) if r]
    measured = max((r["range"].get(metric, 0) for r in runs), default=0)
    pages = max((args.rss_pages * r["page_size"] / r["n"] for r in runs), default=0)
    extra = old * args.rss_tolerance / 100
    # The range and the pages added, not the larger: glibc's RSS is bimodal
    # (its heap lands in one of two places), each mode moves by a page between
    # runs, so a median that changes mode moves by the range plus a page.
    why = (f"repetition range {measured:.3f} B/ant (the larger of the two runs' fresh processes) "
           f"+ {args.rss_pages:g} pages ({pages:.3f} B/ant)")
    if extra:
        why += f" + {args.rss_tolerance:g} %"
    return measured + pages + extra, why


def run_of(folder):
    """(machine id, commit, date) of a results folder, from its results.json
    (scripts/results_json.py), else its machine.json and a colony sidecar; None
    where unknown."""
    import results_json
    path = os.path.join(folder, "results.json")
    if os.path.exists(path):
        with open(path) as f:
            run = json.load(f).get("run", {})
        return run.get("machine_id"), run.get("commit"), run.get("date_utc")
    machine = None
    if os.path.exists(os.path.join(folder, "machine.json")):
        with open(os.path.join(folder, "machine.json")) as f:
            machine = results_json.machine_id(json.load(f))
    return machine, None, None


def environment_differs(base_run, new_run):
    """"kernel 'A' vs 'B'" for the first RSS_ENVIRONMENT field both runs
    record and disagree on, else None."""
    a, b = (base_run or {}).get("env", {}), (new_run or {}).get("env", {})
    for k in RSS_ENVIRONMENT:
        if k in a and k in b and a[k] != b[k]:
            return f"{k} {a[k]!r} vs {b[k]!r}"
    return None


def compare_memory(base, new, args):
    """Prints one line per changed figure (and the breakdown components that
    moved), the regressions again at the end; returns them. RSS
    changes where the RSS environment differs (kernel, libc, allocator...)
    are listed, not counted: they depend on it."""
    (base_figs, base_runs), (new_figs, new_runs) = base, new
    regressions, shared = [], sorted(set(base_figs) & set(new_figs))
    # A figure the new run lacks is a regression (a layout, allocator, N or
    # Google Benchmark entry that stopped being measured passes nothing); a
    # new one is listed.
    for name, metric in sorted(set(base_figs) - set(new_figs)):
        print(f"{'REGRESSION':10} {name} {metric}: missing from the new run")
        regressions.append((name, metric))
    for name, metric in sorted(set(new_figs) - set(base_figs)):
        print(f"{'new':10} {name} {metric}: {new_figs[(name, metric)]:.3f} (not in the baseline)")
    for key in shared:
        (name, metric), old, cur = key, base_figs[key], new_figs[key]
        if old == cur:
            continue
        allowed, why = tolerance(metric, old, base_runs.get(name), new_runs.get(name), args)
        change = (cur - old) / old * 100 if old else float("inf")
        verdict = "REGRESSION" if cur - old > allowed else "changed"
        differs = metric in RSS and environment_differs(base_runs.get(name), new_runs.get(name))
        if differs:
            verdict, why = "changed", why + f"; RSS environment differs ({differs}): not counted"
        print(f"{verdict:10} {name} {metric}: {old:.3f} -> {cur:.3f} ({change:+.2f} %, "
              f"tolerance {allowed:.3f} B/ant: {why})")
        old_parts = (base_runs.get(name) or {}).get("parts")
        new_parts = (new_runs.get(name) or {}).get("parts")
        broken = [p for p in (old_parts, new_parts) if isinstance(p, str)]
        if broken:
            print(f"           moved: unknown ({broken[0]})")
        elif old_parts and new_parts:
            moved = breakdown.moved(old_parts, new_parts)
            print(f"           moved: {', '.join(moved) if moved else 'no component of the breakdown'}")
        if verdict == "REGRESSION":
            regressions.append(key)
    missing = len(set(base_figs) - set(new_figs))
    print(f"memory: {len(shared)} figures compared, {missing} missing, "
          f"{len(set(new_figs) - set(base_figs))} new, {len(regressions)} regression(s)"
          + "".join(f"\n  REGRESSION {name} {metric}" for name, metric in regressions))
    return regressions


def merge(summary, gbench):
    figures, runs = summary
    return {**figures, **gbench}, runs


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


def percentage(text):
    """A finite, non-negative number (argparse type): nan would disable every check."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite, non-negative number")
    return value


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("baseline")
    parser.add_argument("new")
    parser.add_argument("-t", "--tolerance", type=percentage, default=0.0,
                        help="growth allowed in deterministic figures, percent (default 0)")
    parser.add_argument("--rss-tolerance", type=percentage, default=0.0,
                        help="growth allowed in RSS per ant beyond the measured variation, percent (default 0)")
    parser.add_argument("--rss-pages", type=percentage, default=2,
                        help="pages over the run added to the RSS tolerance (default 2)")
    parser.add_argument("--no-time", action="store_true", help="skip the time comparison")
    args = parser.parse_args()
    try:
        for folder in (args.baseline, args.new):
            if not os.path.isdir(folder):
                raise InputError(f"{folder}: no such results folder")
        base, new = (merge(summary_figures(f), gbench_figures(f)) for f in (args.baseline, args.new))
    except (InputError, OSError) as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2
    if not set(base[0]) & set(new[0]):
        print(f"compare.py: {args.baseline} and {args.new} share no memory figure", file=sys.stderr)
        return 2
    runs = {}
    for label, folder in (("baseline", args.baseline), ("new", args.new)):
        try:
            runs[label] = run_of(folder)
        except (OSError, ValueError) as e:
            print(f"compare.py: {folder}: {e}", file=sys.stderr)
            return 2
        machine, commit, date = runs[label]
        print(f"{label}: {folder}: machine {machine or 'unknown'}, commit {commit or 'unknown'}"
              f"{', ' + date if date else ''}")
    if None not in (runs["baseline"][0], runs["new"][0]) and runs["baseline"][0] != runs["new"][0]:
        print("note: two machines: bytes are compared as always, RSS wherever the kernel, page size, THP, "
              "libc and allocator agree (else listed, not counted); time is not gated")
    regressions = compare_memory(base, new, args)
    if not args.no_time:
        compare_time(args.baseline, args.new)
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
