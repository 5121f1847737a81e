#!/usr/bin/env python3
"""Results over commits and machines, as asv keeps them: one entry per run,
HISTORY/<machine>/<commit>.json (a run's results.json, scripts/results_json.py),
and the commands that read them.

  history.py record RESULTS        add RESULTS/results.json to the history
  history.py list                  every entry: machine, commit, date, figures
  history.py steps                 where a figure moved, per machine, in date
                                   order: any change of an exact figure
                                   (requested, usable, allocated, the byte
                                   account); RSS or time beyond the larger
                                   repetition range of the two runs (plus 2
                                   pages over the run for RSS, as compare.py;
                                   plus 20 % for times, which drift that
                                   much between runs of unchanged code)
  history.py report --out DIR      DIR/HISTORY.md: a table of every entry,
                                   machines and commits named, for the colony's
                                   usable bytes, RSS live and build time per ant;
                                   and DIR/history-<metric>.{csv,png,svg}: each
                                   layout over commits, one line per machine
Options: --history DIR (default results/history), --allocator A (default
jemalloc), --scenario S (default colony). Figures that depend on the machine
(RSS, time) are marked so: compare them within one machine.
Entries are checked whole (gathered from other machines, they are untrusted):
a malformed, future-dated or --quick entry, or one whose content is not its
folder's and name's, is refused by name; record does not replace an existing
entry without --replace.
Standard library (and gnuplot for the charts). Exit status: 0; 1 bad or missing
input (nothing written); 2 bad arguments; 3 report without gnuplot."""
import argparse
import csv
import datetime
import io
import json
import math
import os
import shutil
import subprocess
import sys

from antmem_results import tool_parser, InputError, gp_string, plain_name, plain_path, write_atomic

PAGE = 4096
TIME_DRIFT = 0.2  # between two runs of the same code (README: "times vary by 5-20 %")
REPORTED = [("bytes_per_ant_usable", "usable B/ant"), ("bytes_per_ant_rss_purged", "RSS live B/ant"),
            ("ns_per_ant", "build ns/ant")]
EXACT = ("bytes_per_ant_requested", "bytes_per_ant_usable", "bytes_per_ant_allocated",
         "bytes_per_ant_payload", "bytes_per_ant_headers", "bytes_per_ant_table_slack",
         "bytes_per_ant_padding", "bytes_per_ant_growth_slack")


FIGURE_TEXT = ("scenario", "layout", "allocator", "metric")
FIGURE_NUMBERS = ("n", "median", "min", "max")


def load_entry(path):
    """A results.json, checked whole: an entry gathered from another machine
    is untrusted, and a malformed one is refused by name, never a traceback."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: {e}") from None
    if not isinstance(doc, dict) or not str(doc.get("schema", "")).startswith("antmem-results/"):
        raise InputError(f"{path}: not an antmem results.json (schema "
                         f"{doc.get('schema') if isinstance(doc, dict) else None!r})")
    run, figures = doc.get("run"), doc.get("figures")
    if not isinstance(run, dict) or not isinstance(figures, list):
        raise InputError(f"{path}: no 'run' object or 'figures' list")
    for k in ("commit", "machine_id", "date_utc"):
        if not isinstance(run.get(k), str) or not run[k]:
            raise InputError(f"{path}: run.{k}: missing or not text")
    try:
        date = datetime.datetime.strptime(run["date_utc"], "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise InputError(f"{path}: run.date_utc {run['date_utc']!r}: not YYYY-MM-DDTHH:MM:SSZ") from None
    if date > datetime.datetime.utcnow() + datetime.timedelta(days=1):
        raise InputError(f"{path}: run.date_utc {run['date_utc']}: in the future")
    if "--quick" in str(run.get("command", "")).split():
        raise InputError(f"{path}: a --quick run (not citable): not a history entry")
    for i, f in enumerate(figures):
        where = f"{path}: figures[{i}]"
        if not isinstance(f, dict):
            raise InputError(f"{where}: not an object")
        for k in FIGURE_TEXT:
            if not isinstance(f.get(k), str):
                raise InputError(f"{where}.{k}: missing or not text")
        for k in FIGURE_NUMBERS:
            v = f.get(k)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise InputError(f"{where}.{k}: {v!r}: not a finite, non-negative number")
        if not isinstance(f.get("machine_dependent"), bool):
            raise InputError(f"{where}.machine_dependent: missing or not true/false")
    return doc


def entries(history):
    """Every history entry, oldest first: (machine, commit, doc)."""
    if not os.path.isdir(history):
        raise InputError(f"{history}: no history (scripts/history.py record RESULTS makes one)")
    found = []
    for machine in sorted(os.listdir(history)):
        folder = os.path.join(history, machine)
        if not os.path.isdir(folder) or os.path.islink(folder):
            continue
        plain_name(f"{history}: machine folder", machine)  # gathered from elsewhere: untrusted
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                commit = plain_name(f"{folder}: entry", name[:-len(".json")])
                path = os.path.join(folder, name)
                doc = load_entry(path)
                if (doc["run"]["machine_id"], doc["run"]["commit"]) != (machine, commit):
                    raise InputError(f"{path}: holds the run of {doc['run']['machine_id']} at "
                                     f"{doc['run']['commit']}, not of this folder and name: refused")
                found.append((machine, commit, doc))
    if not found:
        raise InputError(f"{history}: no entries")
    return sorted(found, key=lambda e: (e[2]["run"].get("date_utc") or "", e[0]))


def record(results, history, replace=False):
    doc = load_entry(os.path.join(results, "results.json"))
    machine, commit = doc["run"].get("machine_id"), doc["run"].get("commit")
    if not machine or not commit:
        raise InputError(f"{results}/results.json: no machine or commit to file it under")
    plain_name(f"{results}/results.json: machine_id", machine)  # each becomes a file name
    plain_name(f"{results}/results.json: commit", commit)
    folder = os.path.join(history, machine)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{commit}.json")
    existed = os.path.lexists(path)
    if existed and not replace:
        raise InputError(f"{path}: this machine's entry for commit {commit} exists: not replaced "
                         "(--replace to replace it)")
    write_atomic(path, json.dumps(doc, indent=1) + "\n")
    return ("replaced (a later run of the same commit on this machine) " if existed else "recorded ") + path


def key(f):
    return (f["scenario"], f["layout"], f["allocator"], f["n"], f["metric"])


def steps(found, pages=2):
    """[(machine, commit, figure key, before, after, why)] in date order."""
    out, last = [], {}
    for machine, commit, doc in found:
        for f in doc["figures"]:
            k = (machine, key(f))
            prev = last.get(k)
            last[k] = (commit, f)
            if prev is None:
                continue
            p = prev[1]
            move = f["median"] - p["median"]
            if f["metric"] in EXACT:
                if abs(move) > 0.0005:  # the summaries' 3 decimals
                    out.append((machine, commit, key(f), p["median"], f["median"], "exact figure changed"))
                continue
            allowed = max(p["max"] - p["min"], f["max"] - f["min"])
            if "rss" in f["metric"]:
                allowed += pages * PAGE / f["n"]
            else:  # times (and their ratios) move 5-20 % between runs of unchanged code here
                allowed += TIME_DRIFT * abs(p["median"])
            if abs(move) > allowed:
                out.append((machine, commit, key(f), p["median"], f["median"],
                            f"beyond the runs' own variation ({allowed:.3f})"))
    return out


def table(found, metric, label, scenario, allocator):
    cols = [(m, c, d) for m, c, d in found]
    layouts = []
    values = {}
    for i, (_, _, doc) in enumerate(cols):
        for f in doc["figures"]:
            if (f["scenario"], f["allocator"], f["metric"]) == (scenario, allocator, metric):
                if f["layout"] not in layouts:
                    layouts.append(f["layout"])
                values[(f["layout"], i)] = f
    head = "| layout | " + " | ".join(f"{m}<br>`{c}`<br>{(d['run'].get('date_utc') or '?')[:10]}"
                                        for m, c, d in cols) + " |"
    rows = [head, "|---|" + "---:|" * len(cols)]
    for layout in layouts:
        cells = []
        for i in range(len(cols)):
            f = values.get((layout, i))
            cells.append("–" if f is None else f"{f['median']:.2f}" if f["min"] == f["max"] else
                         f"{f['median']:.2f} ({f['min']:.2f}–{f['max']:.2f})")
        rows.append(f"| {layout} | " + " | ".join(cells) + " |")
    dependent = any(f["machine_dependent"] for f in values.values())
    note = " — depends on the machine: compare within one machine" if dependent else " — exact on any machine"
    return f"### {label} ({scenario}, {allocator}){note}\n\n" + "\n".join(rows) + "\n"


def trend(found, metric, scenario, allocator, out):
    """history-<metric>.csv (commit order) and its chart."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["order", "machine", "commit", "date_utc", "layout", "median", "min", "max"])
    for i, (machine, commit, doc) in enumerate(found):
        for f in doc["figures"]:
            if (f["scenario"], f["allocator"], f["metric"]) == (scenario, allocator, metric):
                w.writerow([i, machine, commit, doc["run"].get("date_utc"), f["layout"],
                            f["median"], f["min"], f["max"]])
    path = os.path.join(out, f"history-{metric}.csv")
    write_atomic(path, buf.getvalue())
    here = os.path.dirname(os.path.abspath(__file__))
    machines = sorted({m for m, _, _ in found})
    layouts = []
    for _, _, doc in found:
        for f in doc["figures"]:
            if f["scenario"] == scenario and f["layout"] not in layouts and f["allocator"] == allocator:
                layouts.append(f["layout"])
    for name in layouts:  # from the entries' figures: untrusted
        plain_name("layout", name)
    tics = ", ".join(f'"{c[:7]}" {i}' for i, (_, c, _) in enumerate(found))
    for ext in ("png", "svg"):
        target = os.path.join(out, f"history-{metric}.{ext}")
        tmp = os.path.join(out, f".history-{metric}.tmp{os.getpid()}.{ext}")
        gp = "; ".join(f"{name}={gp_string(value)}" for name, value in (
            ("dir", plain_path("scripts folder", here) + "/plot/"), ("data", plain_path("--out", path)),
            ("out", tmp), ("layouts", " ".join(layouts)), ("machines", " ".join(machines)),
            ("what", f"{metric} ({scenario}, {allocator})"), ("svgname", "history"), ("tics", tics)))
        p = subprocess.run(["gnuplot", "-e", gp, os.path.join(here, "plot", "history.gp")],
                           capture_output=True, text=True)
        if p.returncode != 0 or p.stderr.strip():
            if os.path.exists(tmp):
                os.remove(tmp)
            raise InputError(f"gnuplot: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.returncode}")
        if not whole(tmp, ext):  # gnuplot exits 0 when the disk fills under it
            os.remove(tmp)
            raise InputError(f"{target}: not written whole (disk full?)")
        os.replace(tmp, target)


def whole(path, ext):
    """A chart counts only when its file ends as a whole PNG (the IEND chunk) or SVG."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64))
            tail = f.read()
    except OSError:
        return False
    return tail.endswith(b"IEND\xaeB`\x82") if ext == "png" else b"</svg>" in tail


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("command", choices=["record", "list", "steps", "report"])
    parser.add_argument("results", nargs="?", help="record: the results folder")
    parser.add_argument("--history", default=os.path.join("results", "history"))
    parser.add_argument("--out", help="report: the folder for HISTORY.md and the charts")
    parser.add_argument("--allocator", default="jemalloc")
    parser.add_argument("--scenario", default="colony")
    parser.add_argument("--replace", action="store_true", help="record: replace an existing entry")
    args = parser.parse_intermixed_args()  # options anywhere: "record --replace DIR" too
    if args.command == "record" and not args.results:
        parser.error("record needs the results folder")
    if args.command == "report" and not args.out:
        parser.error("report needs --out DIR")
    try:
        if args.command == "record":
            print(f"history.py: {record(args.results, args.history, args.replace)}", file=sys.stderr)
            return 0
        found = entries(args.history)
        if args.command == "list":
            print(f"{'machine':28} {'commit':14} {'date':20} figures")
            for machine, commit, doc in found:
                print(f"{machine:28} {commit:14} {doc['run'].get('date_utc') or '?':20} {len(doc['figures'])}")
        elif args.command == "steps":
            moved = steps(found)
            for machine, commit, (sc, lay, al, n, metric), a, b, why in moved:
                print(f"{machine} {commit}: {sc}/{lay}/{al} n={n} {metric}: {a:.3f} -> {b:.3f} ({why})")
            print(f"history.py: {len(moved)} step(s) in {len(found)} entries", file=sys.stderr)
        else:
            if not shutil.which("gnuplot"):
                print("history.py: gnuplot not found: apt-get install gnuplot-nox", file=sys.stderr)
                return 3
            os.makedirs(args.out, exist_ok=True)
            text = ["# antmem over commits and machines\n",
                    "Generated by `scripts/history.py report` from "
                    f"`{args.history}`: {len(found)} entries on "
                    f"{len({m for m, _, _ in found})} machine(s); each column one run (machine, commit, "
                    "date); median (min–max) over its repetitions.\n"]
            for metric, label in REPORTED:
                text.append(table(found, metric, label, args.scenario, args.allocator))
                trend(found, metric, args.scenario, args.allocator, args.out)
                text.append(f"![{label} over commits](history-{metric}.svg)\n")
            moved = steps(found)
            text.append("### Steps\n\n" + ("\n".join(
                f"- {m} `{c}`: {sc}/{lay}/{al} n={n} {metric}: {a:.3f} -> {b:.3f} ({why})"
                for m, c, (sc, lay, al, n, metric), a, b, why in moved) or "none") + "\n")
            write_atomic(os.path.join(args.out, "HISTORY.md"), "\n".join(text))
    except (InputError, OSError) as e:
        print(f"history.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
