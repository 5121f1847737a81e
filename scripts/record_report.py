#!/usr/bin/env python3
"""Your own records' results -> RESULTS/records.csv, RESULTS/RECORDS.md and
the data of their charts: for each record measured in RESULTS (the driver's
scenario of the record's name), every layout and allocator, prediction
(scripts/record_model.py, from the record file alone) beside measurement.

  records.csv                   one row per record, layout and allocator
  record-crossover-NAME.csv     usable bytes per record (jemalloc, model)
                                against the presence of the optional fields,
                                0 to 100 %, one column per layout
  record-crossover-NAME-measured.csv  the measured points, at the mean of the
                                file's presences
  record-struct-NAME.csv        the slots and slots_packed structs, field by
                                field (scripts/record.py struct)

usage: record_report.py [RESULTS] [--records DIR] [--command CMD] [--readme README.md]
  --readme   also README.md's table of the records (between its
             records-table markers): bytes and times per layout, jemalloc
Standard library only. Exit status: 0 written; 1 bad or missing input
(nothing written); 2 bad arguments."""
import copy
import io
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record  # noqa: E402
import record_model  # noqa: E402
from report import fmt, spread_of  # noqa: E402
from antmem_results import (ALLOCATOR_ORDER, InputError, figure, load, replace_between,  # noqa: E402
                            tool_parser, write_atomic)

BEGIN = "<!-- records-table:begin (scripts/record_report.py writes this) -->"
END = "<!-- records-table:end -->"

STEPS = range(0, 101, 5)  # presence of the optional fields, percent


def spread(values, digits=1):
    """A median (min–max) cell, as report.py writes its tables."""
    return fmt(spread_of(values), digits)


def measured_records(results, records_dir):
    """{name: (record, [load() entries])} for every record file whose scenario
    RESULTS holds."""
    out = {}
    for file in sorted(os.listdir(records_dir)):
        if not file.endswith(".toml"):
            continue
        rec = record.load(os.path.join(records_dir, file))
        try:
            entries = load(results, rec["name"])
        except InputError as e:
            if "no " + rec["name"] + "-*.csv" in str(e):
                continue  # not measured in this run
            raise
        out[rec["name"]] = (rec, entries)
    return out


def with_presence(rec, p):
    """The record with every optional field present in a share p."""
    other = copy.deepcopy(rec)
    for f in other["fields"]:
        if f["presence"] < 1:
            f["presence"] = p
    return other


def crossover(rec, n):
    """CSV: jemalloc usable bytes per record against the optional fields'
    presence, by the model at n."""
    lines = ["presence_percent," + ",".join(record_model.LAYOUTS)]
    for pct in STEPS:
        t = record_model.predict(with_presence(rec, pct / 100), n)
        lines.append(f"{pct}," + ",".join(f"{t[l]['jemalloc'] / n:.3f}" for l in record_model.LAYOUTS))
    return "\n".join(lines) + "\n"


def struct_csv(rec):
    out = io.StringIO()
    out.write("struct,field,offset,size,padding_before\n")
    for packed in (False, True):
        rows, size, _ = record.struct_layout(rec, packed)
        name = "slots_packed" if packed else "slots"
        for field, _, offset, sz, _, pad in rows:
            out.write(f"{name},{field},{offset},{sz},{pad}\n")
        end = rows[-1][2] + rows[-1][3]
        if size > end:
            out.write(f"{name},(end),{size},0,{size - end}\n")
    return out.getvalue()


def section(name, rec, entries, rows):
    n = int(entries[0]["rows"][0]["n"])
    optional = [f for f in rec["fields"] if f["presence"] < 1]
    head = (f"## {name} ({len(rec['fields'])} fields, {len(optional)} optional; N = {n:,}; "
            f"`{os.path.relpath(rec['path'])}`)\n\n"
            "Bytes per record, jemalloc: predicted from the record file (`scripts/record_model.py`) "
            "and measured; RSS live and times: median (min–max) over the fresh-process repetitions.\n\n"
            "| layout | requested predicted | requested measured | usable predicted | usable measured "
            "| RSS live | build ns | traverse ns |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in rows:
        if r["allocator"] != "jemalloc":
            continue
        lines.append(f"| {r['layout']} | {r['predicted_requested']:.2f} | {r['measured_requested']:.2f} | "
                     f"{r['predicted_usable']:.2f} | {r['measured_usable']:.2f} | {r['rss_live']} | "
                     f"{r['build_ns']} | {r['traverse_ns']} |")
    others = [a for a in ALLOCATOR_ORDER if a != "jemalloc" and any(r["allocator"] == a for r in rows)]
    if others:
        lines += ["", "Usable bytes per record under the other allocators, predicted / measured:", "",
                  "| layout | " + " | ".join(others) + " |", "|---|" + "---:|" * len(others)]
        for layout in record_model.LAYOUTS:
            cells = []
            for a in others:
                r = next((r for r in rows if r["layout"] == layout and r["allocator"] == a), None)
                cells.append("–" if r is None else f"{r['predicted_usable']:.2f} / {r['measured_usable']:.2f}")
            lines.append(f"| {layout} | " + " | ".join(cells) + " |")
    lines += ["", figure(f"record-struct-{name}", f"{name}: the slots structs, field by field")]
    if optional:
        lines += ["", figure(f"record-crossover-{name}", f"{name}: bytes per record against presence")]
    return "\n".join(lines) + "\n"


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("results", nargs="?", default="results")
    parser.add_argument("--records", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "records"),
                        help="the record files' folder (default the checkout's records/)")
    parser.add_argument("--command", default="scripts/run-all --record all")
    parser.add_argument("--readme", help="README.md whose records table to regenerate")
    args = parser.parse_args()
    try:
        found = measured_records(args.results, args.records)
        if not found:
            raise InputError(f"{args.results}: no record's summaries (run scripts/run-all --record all)")
        csv_lines = ["record,layout,allocator,n,predicted_requested_per_record,measured_requested_per_record,"
                     "predicted_usable_per_record,measured_usable_per_record"]
        sections, files = [], {}
        headline = ["| record | N | layout | requested B/record | usable B/record | RSS live B/record | "
                    "build ns/record | traverse ns/record |", "|---|---:|---|---:|---:|---:|---:|---:|"]
        for name, (rec, entries) in found.items():
            n = int(entries[0]["rows"][0]["n"])
            predicted = record_model.predict(rec, n)
            rows = []
            for e in entries:
                t = predicted[e["layout"]]
                reps = e["rows"]
                r = {"layout": e["layout"], "allocator": e["allocator"],
                     "predicted_requested": t["requested"] / n,
                     "measured_requested": statistics.median(x["bytes_per_ant_requested"] for x in reps),
                     "predicted_usable": t[e["allocator"]] / n,
                     "measured_usable": statistics.median(x["bytes_per_ant_usable"] for x in reps),
                     "rss_live": spread((x["bytes_per_ant_rss_purged"] for x in reps), 2),
                     "build_ns": spread(x["ns_per_ant"] for x in reps),
                     "traverse_ns": spread(x["traverse_ns_per_ant"] for x in reps)}
                rows.append(r)
                csv_lines.append(f"{name},{r['layout']},{r['allocator']},{n},{r['predicted_requested']:.4f},"
                                 f"{r['measured_requested']:.3f},{r['predicted_usable']:.4f},"
                                 f"{r['measured_usable']:.3f}")
            sections.append(section(name, rec, entries, rows))
            headline += [f"| {name} | {n:,} | {r['layout']} | {r['measured_requested']:.2f} | "
                         f"{r['measured_usable']:.2f} | {r['rss_live']} | {r['build_ns']} | {r['traverse_ns']} |"
                         for r in rows if r["allocator"] == "jemalloc"]
            files[f"record-struct-{name}.csv"] = struct_csv(rec)
            optional = [f["presence"] for f in rec["fields"] if f["presence"] < 1]
            if optional:
                files[f"record-crossover-{name}.csv"] = crossover(rec, n)
                at = 100 * statistics.mean(optional)  # the file's presences, on the chart's axis
                files[f"record-crossover-{name}-measured.csv"] = "layout,presence_percent,usable_per_record\n" + \
                    "".join(f"{r['layout']},{at:.1f},{r['measured_usable']:.3f}\n" for r in rows
                            if r["allocator"] == "jemalloc")
        files["records.csv"] = "\n".join(csv_lines) + "\n"
        files["RECORDS.md"] = (f"# Your own records\n\nGenerated by `{args.command}` from the CSVs in this "
                               "folder; do not edit by hand. Each record file describes its record once "
                               "(`records/README.md`); the suite generates every layout of it, measures it "
                               "as it measures the seed's ants, and predicts its bytes from the file "
                               "alone.\n\n" + "\n".join(sections))
        if args.readme:
            with open(args.readme) as f:
                readme = replace_between(f.read(), BEGIN, END, "\n".join(headline) + "\n", args.readme)
        for file, text in files.items():
            write_atomic(os.path.join(args.results, file), text)
        if args.readme:
            write_atomic(args.readme, readme)
    except (InputError, record.RecordError, OSError) as e:
        print(f"record_report.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
