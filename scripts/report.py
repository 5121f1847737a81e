#!/usr/bin/env python3
"""results/summary/*.csv + *.json (+ gbench.json, crosscheck.json) ->
results/<scenario>-bytes-per-ant.csv, <scenario>-allocators.csv,
<scenario>-breakdown.csv, REPORT.md, and the results and breakdown tables in
README.md (between their markers).

Standard library only. Refuses, naming the file, any input that is malformed
or records an incomplete run, so no later step treats a broken run as a
result. Every figure written here is computed from those files.
Exit status: 0 written; 1 bad or incomplete input (nothing written); 2 bad arguments."""
import argparse
import csv
import json
import os
import statistics
import sys

import breakdown
import tracker_facts
from antmem_results import (tool_parser, ALLOCATOR_ORDER, InputError, figure, load, order_key, read_gbench_entries,
                            replace_between, write_atomic)

TABLE_BEGIN = "<!-- results-table:begin (scripts/report.py writes this) -->"
TABLE_END = "<!-- results-table:end -->"
BREAKDOWN_BEGIN = "<!-- breakdown-table:begin (scripts/report.py writes this) -->"
BREAKDOWN_END = "<!-- breakdown-table:end -->"
SAMPLING_BEGIN = "<!-- sampling-tables:begin (scripts/report.py writes this) -->"
SAMPLING_END = "<!-- sampling-tables:end -->"
PRIMARY = "jemalloc"  # the allocator whose statistics are exact; tables start with it
UNIT_NS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
GBENCH_OPS = [("build", "build ns/ant", True), ("distribute_work", "distribute_work ns/ant", True),
              ("get", "get ns", False), ("set", "set ns", False), ("destroy", "destroy ns/ant", True)]
PER_ANT = ["bytes_per_ant_requested", "bytes_per_ant_usable", "bytes_per_ant_allocated",
           "bytes_per_ant_rss", "bytes_per_ant_rss_purged", "ns_per_ant", "traverse_ns_per_ant",
           "sampling_overhead_ratio"]


def spread_of(values):
    """(median, min, max) of the measured values, or None when none was measured."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def figures(entry):
    rows = entry["rows"]
    f = {"layout": entry["layout"], "allocator": entry["allocator"], "reps": len(rows),
         "n": int(rows[0]["n"]), "meta": entry["meta"]}
    for key in PER_ANT:
        f[key] = spread_of(r[key] for r in rows)
    return f


def fmt(s, digits=1):
    """A (median, min, max) cell: the median, with the range when runs differ."""
    if s is None:
        return "–"
    med, lo, hi = s
    if f"{lo:.{digits}f}" == f"{hi:.{digits}f}":
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f})"


def med(s):
    return None if s is None else s[0]


def ratio(a, b):
    return "–" if a is None or not b else f"{a / b:.3f}"




def live_rss(f):
    """The headline RSS: after the allocator returned its free pages at the
    loop's end (the colony still alive), which no decay timing moves; RSS as
    the run ended where the allocator cannot be asked (CPython)."""
    return f["bytes_per_ant_rss_purged"] or f["bytes_per_ant_rss"]


def csv_cell(v):
    return "" if v is None else f"{v:.3f}"


def bytes_per_ant_csv(primary):
    lines = ["layout,requested,usable,rss,rss_min,rss_max,rss_live,rss_live_min,rss_live_max"]
    for f in primary:
        rss = f["bytes_per_ant_rss"]
        lines.append(",".join([f["layout"], csv_cell(med(f["bytes_per_ant_requested"])),
                               csv_cell(med(f["bytes_per_ant_usable"])), *map(csv_cell, rss),
                               *map(csv_cell, live_rss(f))]))
    return "\n".join(lines) + "\n"


def allocators_csv(rows, allocators):
    """layout, then usable, rss_live, rss_live_min, rss_live_max per allocator
    (empty when absent; RSS as run where the allocator cannot purge: CPython)."""
    head = ["layout"] + [f"{a}_{k}" for a in allocators for k in ("usable", "rss_live", "rss_live_min",
                                                                    "rss_live_max")]
    lines = [",".join(head)]
    by_key = {(f["layout"], f["allocator"]): f for f in rows}
    for layout in dict.fromkeys(f["layout"] for f in rows if f["allocator"] in allocators):
        cells = [layout]
        for a in allocators:
            f = by_key.get((layout, a))
            rss = live_rss(f) if f else None
            cells += [csv_cell(med(f["bytes_per_ant_usable"])) if f else "",
                      *(map(csv_cell, rss) if rss else ["", "", ""])]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def primary_table(primary):
    base = primary[0]  # the registry's first layout: the article's __dict__ class
    out = ["| layout | requested B/ant | usable B/ant | RSS live B/ant | RSS as run B/ant | "
           f"vs {base['layout']} (usable) | build ns/ant | traverse ns/ant | sampled / unsampled time |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for f in primary:
        out.append(f"| {f['layout']} | {fmt(f['bytes_per_ant_requested'], 2)} | "
                   f"{fmt(f['bytes_per_ant_usable'], 2)} | {fmt(live_rss(f), 2)} | "
                   f"{fmt(f['bytes_per_ant_rss'], 2)} | "
                   f"{ratio(med(f['bytes_per_ant_usable']), med(base['bytes_per_ant_usable']))} | "
                   f"{fmt(f['ns_per_ant'])} | {fmt(f['traverse_ns_per_ant'])} | "
                   f"{fmt(f['sampling_overhead_ratio'], 2)}x |")
    return "\n".join(out)


def first_reference(rows):
    return next((f["layout"] for f in rows if f["allocator"] not in ALLOCATOR_ORDER), "–")


def allocator_table(rows):
    """Every (layout, allocator), layout by layout; the reference interpreter last.
    "RSS vs first" divides by the same allocator's first layout in the
    registry's order (CPython's: the first of its own, by name)."""
    first = {}
    for f in rows:  # rows come in the registry's order (antmem_results.load)
        first.setdefault(f["allocator"], f)
    dict_rss = {a: med(live_rss(f)) for a, f in first.items()}
    out = ["| layout | allocator | requested B/ant | usable B/ant | allocator's own B/ant | "
           "RSS live B/ant | RSS as run B/ant | RSS vs first | build ns/ant | traverse ns/ant |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    def key(f):
        allocator_rank, layout_rank = order_key(f["layout"], f["allocator"], f["meta"].get("layout_index"))
        return f["allocator"] not in ALLOCATOR_ORDER, layout_rank, allocator_rank
    this = next(f["meta"]["git_commit"] for f in rows if f["allocator"] == PRIMARY)
    carried = []
    for f in sorted(rows, key=key):
        mark = ""
        if f["meta"].get("git_commit") != this:  # run-all -P keeps CPython's earlier runs
            mark = " †"
            carried.append(f"{f['layout']}/{f['allocator']}: commit `{f['meta'].get('git_commit')}`, "
                           f"{f['meta'].get('date_utc')}")
        out.append(f"| {f['layout']}{mark} | {f['allocator']} {f['meta']['allocator_version'].split('-g')[0]} | "
                   f"{fmt(f['bytes_per_ant_requested'], 2)} | {fmt(f['bytes_per_ant_usable'], 2)} | {fmt(f['bytes_per_ant_allocated'], 2)} | "
                   f"{fmt(live_rss(f), 2) if f['bytes_per_ant_rss_purged'] else '–'} | "
                   f"{fmt(f['bytes_per_ant_rss'], 2)} | "
                   f"{ratio(med(live_rss(f)), dict_rss.get(f['allocator']))} | "
                   f"{fmt(f['ns_per_ant'])} | {fmt(f['traverse_ns_per_ant'])} |")
    if carried:
        out.append("\n† carried forward from an earlier run, not re-run here: " + "; ".join(carried) + ".")
    return "\n".join(out)


def caption(primary):
    f = primary[0]
    meta = f["meta"]
    method = {"page-faults": "the kernel's page-fault records, exact at every iteration",
              "statm": "a /proc/self/statm read every iteration"}.get(meta.get("rss_method"), "?")
    return (f"N = {f['n']:,} ants, {f['reps']} repetition(s), each a new process (so the range "
            f"shows run-to-run variation), commit `{meta['git_commit']}`, {meta['cpu_model']} "
            f"({meta.get('cpu_family_model_stepping', '?')}, {meta.get('cpu_mhz', '?')} MHz), "
            f"{meta['date_utc']}. Bytes per ant: median (min–max) over repetitions. RSS from "
            f"{method}. **RSS live**: at the loop's end, once the allocator returned its free "
            f"pages (the colony alive): what the layout holds, whatever the allocator's decay "
            f"had returned by then. **RSS as run**: at the loop's end as the program saw it "
            f"(jemalloc may still hold a freed array then: its decay returns pages after ~10 s). "
            f"Times: unsampled runs; the last column: the sampled run against it.")


def read_gbench(path):
    """({context}, {(op, layout, n): {"ns": [...], "bytes": [...]}}) from Google Benchmark's JSON."""
    context, entries = read_gbench_entries(path)
    runs = {}
    for b in entries:
        op, layout, n = b["run_name"].split("/")[:3]
        r = runs.setdefault((op, layout, int(n)), {"ns": [], "bytes": []})
        r["ns"].append(b["real_time"] * UNIT_NS[b["time_unit"]])
        if "allocator_bytes_per_ant" in b:
            r["bytes"].append(b["allocator_bytes_per_ant"])
    return context, runs


def gbench_section(path, layouts, n, commit):
    if not os.path.exists(path):
        return ""
    context, runs = read_gbench(path)
    made = context.get("antmem_commit")
    origin = (f"Made at commit `{made}`, {context.get('date', '?')}"
              + (" — carried forward from an earlier run (`scripts/run-all -G`), not re-run here."
                 if made and made != commit else "."))
    sizes = {size for _, _, size in runs}
    if n not in sizes:  # the colony's N was not benchmarked: show the largest that was
        n = max(sizes)
    out = ["| layout | " + " | ".join(h for _, h, _ in GBENCH_OPS) + " | allocator B/ant (build) |",
           "|---" + "|---:" * (len(GBENCH_OPS) + 1) + "|"]
    for layout in layouts:
        cells = []
        for op, _, per_ant in GBENCH_OPS:
            r = runs.get((op, layout, n))
            cells.append(fmt(spread_of(t / n if per_ant else t for t in r["ns"])) if r else "–")
        build = runs.get(("build", layout, n))
        cells.append(fmt(spread_of(build["bytes"]), 2) if build and build["bytes"] else "–")
        out.append(f"| {layout} | " + " | ".join(cells) + " |")
    reps = max((len(r["ns"]) for r in runs.values()), default=0)
    return f"""
## Time per operation (Google Benchmark, jemalloc)

From `gbench.json` ({reps} repetition(s), median (min–max)), at N = {n:,}; every size from
1,000 to 1,000,000 is in the JSON. One long-lived process runs them all (warm heap and
caches), unlike the driver's fresh process per run, so the two build times differ. Debian's
Google Benchmark library is a {context.get('library_build_type', '?')} build. {origin}

{chr(10).join(out)}
"""


def crosscheck_section(path):
    if not os.path.exists(path):
        return ""
    try:
        with open(path) as f:
            doc = json.load(f)
        rows = []
        for c in doc["checks"]:
            outside = "; ".join(f"{o['bytes']:,} B from `{o['stack_tail'].split(';')[-1]}`"
                                for o in c["outside_layouts"]) or "none"
            rows.append(f"| {c['tool']} | {c['layout']} | {c['n']:,} | {c['tool_peak_bytes']:,} | "
                        f"{c['suite_peak_requested_bytes']:,} | **{c['difference_percent']:+.4f} %** | "
                        f"{c['tool_process_peak_bytes']:,} | {outside} |")
        commands = " and ".join(f"`{c}`" for c in sorted({c["command"].split(" build/")[0] for c in doc["checks"]}))
        return f"""
## Independent cross-check (valgrind massif, heaptrack)

`scripts/crosscheck.py` runs `build/bench/antmem-glibc --no-fork` under each tool ({commands})
and compares the tool's peak of requested bytes made through `layouts/mem.c` (massif's
peak snapshot by allocating function; heaptrack's peak by call stack) with the suite's own peak
of requested bytes. Both count requested bytes, not the allocator's rounded sizes, so like is
compared with like (tolerance {doc['tolerance_percent']} %). The rest of each tool's
whole-process peak is listed: the driver's stdio buffers, and under heaptrack the 72,704 B
that libstdc++ allocates at load time, brought in by heaptrack's own preload library
(`antmem-glibc` links only libc).

| tool | layout | N | tool's peak, layouts | suite's peak requested | difference | tool's peak, whole process | the rest |
|---|---|---:|---:|---:|---:|---:|---|
""" + "\n".join(rows) + "\n"
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path}: not a cross-check record ({e})") from None


METHOD = """
## Method

- Each (layout, allocator, repetition) runs twice, each time in a fresh forked process:
  once without sampling, timed (the build and traverse times above), and once sampling after
  every iteration (the curves and bytes). Times are never taken from sampling runs; the last
  column of the first table says how much sampling slows the same workload.
- Bytes per ant are (final − baseline) / N, the baseline taken in the same process before the
  colony exists. **requested**: what the layout asked `malloc` for (`layouts/mem.c`).
  **usable**: what the allocator set aside for it, `malloc_usable_size` summed over the
  layout's live blocks, the same measure under every allocator. **allocator's own**: jemalloc's
  per-thread allocated counter (equals usable), glibc's `mallinfo2` in-use bytes (chunk
  headers included), mimalloc: none offered by its public API. **RSS**: `/proc/self/statm`;
  it includes arrays freed on growth that the allocator has not yet returned to the kernel,
  so it varies between repetitions while requested and usable do not.
- The CPython rows run the article's own classes under the system interpreter
  (`scripts/reference/colony.py`): RSS from `/proc/self/statm`, requested bytes from
  `tracemalloc` in a separate run, as the driver separates sampled and timed runs.
- Regenerate everything with the command at the top; `tests/test_traceability.py` recomputes
  this report's cells from the CSVs and fails if any differs.
"""


def included_section(path, title, source):
    """A generated Markdown file (DATASETS.md, CLAIMS.md) as one section of the
    report, its own sections one level down; nothing when it was not made."""
    if not os.path.exists(path):
        return ""
    with open(path) as f:
        text = f.read()
    body = text[text.index("\n## "):] if "\n## " in text else ""
    intro = text[text.index("\n|"):text.index("\n## ")] if "\n|" in text and "\n## " in text else ""
    return f"\n## {title}\n\nFrom `{os.path.basename(path)}` ({source}).\n{intro}\n" + body.replace("\n## ", "\n### ")


def csv_rows(path):
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def table_section(path, title, intro, columns):
    """A CSV file as a Markdown section: columns are (heading, key, format:
    "n" a count with thousands separators, "r" right-aligned as written,
    "t" text); nothing when the file was not made."""
    rows = csv_rows(path)
    if not rows:
        return []
    cell = {"n": lambda v: f"{int(float(v)):,}", "r": str, "t": str}
    return ([f"\n## {title}\n", intro + "\n"] if intro else [f"\n## {title}\n"]) + [
        "| " + " | ".join(h for h, _, _ in columns) + " |",
        "|" + "|".join("---" if f == "t" else "---:" for _, _, f in columns) + "|",
        *("| " + " | ".join(cell[f](r[k]) if r.get(k) not in (None, "") else "–"
                            for _, k, f in columns) + " |" for r in rows)]


def live_ranges(results):
    """RSS live per pair over the main run's repetitions: {(layout,
    allocator): (min, max, n)} B/ant, empty when the summaries cannot be read."""
    try:
        entries = load(results, "colony", check_curves=False)
    except InputError:
        return {}
    out = {}
    for e in entries:
        live = [r["bytes_per_ant_rss_purged"] for r in e["rows"] if r["bytes_per_ant_rss_purged"] is not None]
        n = int(e["rows"][0]["n"])
        out[(e["layout"], e["allocator"])] = (min(live), max(live), n) if live else (None, None, n)
    return out


def sampling_section(results):
    """How RSS was measured and what sampling cost: rss-verify.csv
    (scripts/verify_rss.py), overhead.csv (scripts/overhead.py), timing.csv
    (scripts/run-all); nothing for the files that were not made."""
    verified = csv_rows(os.path.join(results, "rss-verify.csv"))
    out = []
    if verified:
        out += ["\n## RSS at every iteration, verified\n",
                "`scripts/verify_rss.py` runs `antmem --verify-rss` (the tracker's RSS against a "
                "`/proc/self/statm` read after every iteration) for every layout under every allocator, "
                "each under the settings that move when it returns memory (`rss-verify.csv` has one row "
                "per run):\n",
                *tracker_facts.verify_table(verified), "",
                *tracker_facts.verify_sentences(verified, live_ranges(results)),
                *tracker_facts.remainder_sentence(
                    csv_rows(os.path.join(results, "colony-breakdown.csv")) or [])]
    out += table_section(
        os.path.join(results, "overhead.csv"), "What sampling costs, part by part",
        "Sampled / unsampled time of the same workload, split by `scripts/overhead.py` into "
        "factors (ratios of medians over the repetitions; the three product to the total): the "
        "kernel writing one page-fault record per fault (`--sampler kernel`), the layouts' "
        "usable-size accounting, and the per-iteration check. The kernel's part is the floor of "
        "this method; times vary by 5-10 % between runs on this machine, so a part under that is "
        "within the noise.",
        [("layout", "layout", "t"), ("allocator", "allocator", "t"),
         ("unsampled ns/ant", "unsampled_ns_per_ant", "r"), ("fault records", "fault_records", "n"),
         ("kernel", "kernel_records_ratio", "r"), ("usable accounting", "usable_accounting_ratio", "r"),
         ("check", "per_iteration_check_ratio", "r"), ("total", "sampled_over_unsampled", "r"),
         ("ns per fault record", "ns_per_fault_record", "r")])
    facts = (tracker_facts.overhead_sentences(csv_rows(os.path.join(results, "overhead.csv")) or []) +
             tracker_facts.stride_sentences(csv_rows(os.path.join(results, "stride-cost.csv")) or []))
    out += [""] + facts if facts else []
    out += table_section(os.path.join(results, "timing.csv"), "Where the run's time went", "",
                         [("phase", "phase", "t"), ("seconds", "seconds", "r")])
    return "\n".join(out) + ("\n" if out else "")


def breakdown_section(parts):
    if not parts:
        return ""
    return f"""
## Where each byte goes

Bytes per ant, each a difference of two measured figures, summing to the measured RSS as run
(method: `scripts/breakdown.py`; CSV: `colony-breakdown.csv`), from the repetition with the
median RSS. The sum holds by construction ("resident, not in use" is the remainder); the check
that can fail is the last column, what is resident after the purge and not in use by the
allocator, bounded by 0.5 % of RSS + 64 pages. "–": the allocator does not report the figure;
"untouched slack" is spare capacity on pages never touched, requested but not resident, so it
is not part of the sum.

{breakdown.table(parts)}

{figure('colony-breakdown', 'where each byte goes')}
"""


MACHINE = [("machine_id", "machine (history and compare.py name it so)"), ("cpu_model", "CPU"), ("cpu_family_model_stepping", "family/model/stepping"),
           ("cpu_mhz", "clock (MHz, as reported)"), ("cpu_caches", "caches (per core; L3 shared)"),
           ("online_cpus", "CPUs online"), ("mem_total", "RAM"), ("virtualization", "virtualization"),
           ("hostname", "host"), ("load_avg_start", "load average (1/5/15 min) at the start"),
           ("load_avg_end", "load average at the end"), ("started_utc", "started"), ("ended_utc", "ended")]


def read_machine(results):
    """The machine the run was made on: results.json's (scripts/results_json.py,
    with its id), else machine.json (scripts/machine.py); {} when neither."""
    for name in ("results.json", "machine.json"):
        path = os.path.join(results, name)
        if not os.path.exists(path):
            continue
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"{path}: {e}") from None
        if name == "machine.json":
            return doc
        run = doc.get("run", {})
        return {**run.get("machine", {}), "machine_id": run.get("machine_id")}
    return {}


QUICK = ("> **A quick run (`scripts/run-all --quick`): not citable.** One repetition at a small N, "
         "no cross-check, no reference runs: no spread, and N's own constants weigh in. For figures "
         "to cite, run `scripts/run-all`.\n")


def report(rows, command, gbench, crosscheck, datasets="", parts=(), sampling="", machine=None, quick=False):
    primary = [f for f in rows if f["allocator"] == PRIMARY]
    meta = primary[0]["meta"]
    versions = ", ".join(sorted({f"{f['allocator']} {f['meta']['allocator_version'].split('-g')[0]}"
                                 for f in rows}))
    env = "\n".join([f"| {label} | {machine[k]} |" for k, label in MACHINE if k in (machine or {})] + [
        f"| {k} | {meta.get(k, '')} |" for k in (
            "cpu_model", "cpu_family_model_stepping", "cpu_mhz", "cpu_cache", "mem_total", "hypervisor",
            "online_cpus", "kernel", "page_size", "transparent_hugepage", "compiler", "build",
            "meson_version", "malloc_conf", "git_commit", "date_utc", "command")
        if not machine or k not in machine])
    heap_charts = "\n\n".join(figure(f"colony-heap-vs-rss-{f['layout']}", f"{f['layout']}: heap and RSS")
                              for f in primary)
    return f"""# antmem results: the seed's colony in C

{QUICK if quick else ""}Generated by `{command}` from the files in this folder; do not edit by hand.
{caption(primary)}

## Bytes and time per ant ({PRIMARY})

{primary_table(primary)}

{figure('colony-rss', 'RSS per iteration')}

{figure('colony-allocated', 'allocated bytes per iteration')}

{figure('colony-bytes-per-ant', 'bytes per ant')}

Heap against RSS, per layout: requested < usable (size classes) ≤ active (pages of live slabs);
jemalloc's `resident` counts the pages it has dirtied or mapped for use, ahead of the process
RSS, which grows only as pages are first touched; RSS keeps freed arrays until decay.

{heap_charts}

## Across allocators and against CPython

{allocator_table(rows)}

{figure('colony-allocators', 'bytes per ant by allocator')}
{breakdown_section(parts)}{sampling}{gbench}{crosscheck}{datasets}{METHOD}
## Environment

| | |
|---|---|
{env}
| allocators | {versions} |
"""


def readme_text(path, rows, parts, results):
    """README.md with its generated tables replaced (InputError when its
    markers are missing): made before anything is written."""
    with open(path) as f:
        text = f.read()
    sampling = sampling_section(results)
    if sampling:
        text = replace_between(text, SAMPLING_BEGIN, SAMPLING_END,
                               sampling.replace("\n## ", "\n### ").strip("\n") + "\n", path)
    primary = [f for f in rows if f["allocator"] == PRIMARY]
    text = replace_between(text, TABLE_BEGIN, TABLE_END,
                           f"{caption(primary)}\n\n{primary_table(primary)}\n\n"
                           f"Across allocators and against CPython (RSS vs first: the same allocator's "
                           f"first layout, {primary[0]['layout']}; CPython's: {first_reference(rows)}):\n\n"
                           f"{allocator_table(rows)}\n", path)
    if parts:
        text = replace_between(text, BREAKDOWN_BEGIN, BREAKDOWN_END,
                               f"{breakdown.table(parts)}\n", path)
    return text


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("results", nargs="?", default="results", help="results folder (default results)")
    parser.add_argument("--scenario", default="colony", help="scenario to report (default colony)")
    parser.add_argument("--readme", default=None, help="README.md whose table to update (default: none)")
    parser.add_argument("--command", default="scripts/run-all", help="command named in REPORT.md")
    parser.add_argument("--quick", action="store_true", help="a quick run: REPORT.md says it is not citable")
    parser.add_argument("--check-only", action="store_true", help="validate the inputs, write nothing")
    args = parser.parse_args()
    try:
        entries = load(args.results, args.scenario)
        rows = [figures(e) for e in entries]
        parts = breakdown.rows_of(entries)
        primary = [f for f in rows if f["allocator"] == PRIMARY]
        if not primary:
            raise InputError(f"{args.results}/summary: no {PRIMARY} run: the report starts from it")
        gbench_path = os.path.join(args.results, "gbench.json")
        gbench = gbench_section(gbench_path, [f["layout"] for f in primary], primary[0]["n"],
                                primary[0]["meta"]["git_commit"])
        crosscheck = crosscheck_section(os.path.join(args.results, "crosscheck.json"))
        if args.check_only:
            return 0
        # the C allocators, then the reference interpreter's (its py_* layouts
        # stand on the same axes as the C layouts in the allocators chart)
        allocators = [a for a in ALLOCATOR_ORDER if any(f["allocator"] == a for f in rows)]
        allocators += sorted({f["allocator"] for f in rows} - set(ALLOCATOR_ORDER))
        out = lambda name: os.path.join(args.results, f"{args.scenario}-{name}")
        datasets = included_section(os.path.join(args.results, "DATASETS.md"),
                                    "Other scenarios: lazy initialization and chunked processing",
                                    "scripts/dataset_report.py, from the CSVs under summary/ and sizes/")
        datasets += included_section(os.path.join(args.results, "CLAIMS.md"), "The article's claims, checked",
                                     "scripts/claims.py, from the CSVs and JSON in this folder")
        # every output made first, so that a failure (a README without its
        # markers, a bad input) writes nothing; then each written atomically
        outputs = [(out("bytes-per-ant.csv"), bytes_per_ant_csv(primary)),
                   (out("allocators.csv"), allocators_csv(rows, allocators))]
        if parts:
            outputs.append((out("breakdown.csv"), breakdown.csv_text(parts)))
        outputs.append((os.path.join(args.results, "REPORT.md"),
                        report(rows, args.command, gbench, crosscheck, datasets, parts,
                               sampling_section(args.results), read_machine(args.results), args.quick)))
        if args.readme:
            outputs.append((args.readme, readme_text(args.readme, rows, parts, args.results)))
        for path, text in outputs:
            write_atomic(path, text)
    except OSError as e:
        print(f"report.py: {e.filename}: {e.strerror}" if e.filename else f"report.py: {e}", file=sys.stderr)
        return 1
    except (InputError, breakdown.BreakdownError) as e:
        print(f"report.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
