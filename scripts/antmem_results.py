"""Reading antmem's result files, shared by report.py and compare.py: the
documented summary columns, and a reader that refuses, naming the file and
line, anything malformed or incomplete. Standard library only."""
import csv
import glob
import json
import math
import os
import re
import statistics

SUMMARY_COLUMNS = [
    "scenario", "layout", "allocator", "repetition", "n", "complete", "ants_done",
    "elapsed_ns", "sampled_elapsed_ns", "ns_per_ant", "traverse_ns_per_ant",
    "sampling_overhead_ratio", "bytes_per_ant_rss", "bytes_per_ant_allocated",
    "bytes_per_ant_requested", "bytes_per_ant_usable", "bytes_per_ant_active",
    "bytes_per_ant_metadata", "bytes_per_ant_payload", "bytes_per_ant_headers",
    "bytes_per_ant_table_slack", "bytes_per_ant_growth_slack", "bytes_per_ant_growth_untouched",
    "peak_rss_bytes", "baseline_rss_bytes", "final_rss_bytes",
    "baseline_allocated_bytes", "final_allocated_bytes", "final_requested_bytes",
    "unsampled_final_allocated_bytes", "unsampled_bytes_per_ant_rss",
    "after_free_allocated_bytes", "after_free_rss_bytes", "after_purge_rss_bytes",
    "peak_rss_hwm_bytes", "sampled_ns_per_ant", "bytes_per_ant_rss_purged",
    "final_purged_rss_bytes", "rss_by_faults", "rss_anchors", "rss_fault_records",
    "rss_verified_iterations", "rss_verify_differing", "rss_verify_max_diff_bytes",
    "bytes_per_ant_padding", "rss_verify_first_differing", "rss_zero_page_reads",
    "stats_read_bytes", "curve_rows", "curve_file"]
# Columns added since the schema's first version: a summary without them (an
# older baseline, say) is still read, the cells as "not measured".
ADDED_SINCE = ["bytes_per_ant_padding", "rss_verify_first_differing", "rss_zero_page_reads",
               "stats_read_bytes"]
CURVE_COLUMNS = ["iteration", "rss_bytes", "requested_bytes", "usable_bytes", "allocated_bytes",
                 "active_bytes", "resident_bytes", "mapped_bytes", "metadata_bytes", "bytes_read"]
CURVE_HEADER = ",".join(CURVE_COLUMNS)
NUMERIC = SUMMARY_COLUMNS[3:-1]
# Measured in every run, by every writer (the driver and the Python peers):
# an empty cell there is a damaged file, not "not measured".
REQUIRED = ["n", "ants_done", "elapsed_ns", "bytes_per_ant_rss", "baseline_rss_bytes",
            "final_rss_bytes", "curve_rows"]
ALLOCATOR_ORDER = ["jemalloc", "glibc", "mimalloc"]  # then cpython-* and others by name
# ... and by the C driver's full sampler under every allocator (layouts/mem.c
# counts them; scripts/overhead.py's part-by-part runs leave them out)
REQUIRED_C = ["bytes_per_ant_requested", "bytes_per_ant_usable"]


class InputError(Exception):
    pass


# Names and paths are data, never code. What becomes a file name or reaches
# gnuplot (whose scripts hand file names to awk through a shell) must be
# plain; a gnuplot string is single-quoted, its quotes doubled.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_./+-]+")


def plain_name(what, value):
    """value, if a plain name (a file name of its own: no '/', not '.' or '..'); else InputError."""
    if not isinstance(value, str) or not _PLAIN_NAME.fullmatch(value) or value.strip(".") == "":
        raise InputError(f"{what} {value!r}: a name is letters, digits and _ . + - only")
    return value


def plain_path(what, value):
    """value, if a path gnuplot's scripts can pass to a shell unquoted; else InputError."""
    if not isinstance(value, str) or not _PLAIN_PATH.fullmatch(value):
        raise InputError(f"{what} {value!r}: only letters, digits and _ . / + - can reach the charts")
    return value


def gp_string(value):
    """value as a gnuplot single-quoted string ('' is a quote inside one)."""
    if "\n" in value or "\0" in value:
        raise InputError(f"{value!r}: a line break cannot reach gnuplot")
    return "'" + value.replace("'", "''") + "'"


def tool_version():
    """The commit the scripts are at (git describe), for every tool's --version."""
    import subprocess
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    try:
        p = subprocess.run(["git", "-C", root, "describe", "--always", "--dirty", "--abbrev=12"],
                           capture_output=True, text=True)
    except OSError:  # no git here: every tool still runs
        return "unknown"
    return p.stdout.strip() or "unknown"


def tool_parser(doc):
    """The argument parser every antmem script uses: its docstring as the help
    (its own "usage:" lines left to argparse's, so help shows one), --help
    (exit 0) and -V/--version (the commit), unknown options named."""
    import argparse
    text = re.sub(r"(?ms)^usage:.*?(?=^\S*$|\Z)", "", doc).strip() + "\n"
    parser = argparse.ArgumentParser(description=text, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {tool_version()}")
    return parser


CAPTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot", "captions.txt")


def caption(base):
    """The chart's one-line "what to read here" (scripts/plot/captions.txt)."""
    import fnmatch
    with open(CAPTIONS) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                pattern, _, text = line.rstrip("\n").partition("\t")
                if fnmatch.fnmatchcase(base, pattern):
                    return text
    raise InputError(f"{CAPTIONS}: no caption for the chart {base}")


def figure(base, alt):
    """A chart for the Markdown reports: the SVG and, under it, its caption;
    where gnuplot is missing (scripts/plot-all then draws nothing, exit 3),
    the caption says so instead of linking a chart no run drew."""
    import shutil
    if not shutil.which("gnuplot"):
        return f"*{alt}: not drawn (gnuplot is not installed: apt-get install gnuplot-nox)*"
    return f"![{alt}]({base}.svg)\n\n*{caption(base)}*"


# Google Benchmark's MemoryManager fields. 1.7.1 fills them for the last
# repetition only (the others point into freed storage: 1e13 B or 0), so the
# suite no longer registers one; a file that carries them is checked anyway.
GBENCH_MEMORY_FIELDS = ("allocs_per_iter", "max_bytes_used", "total_allocated_bytes",
                        "net_heap_growth")
# No run here holds a TiB, and no ant a MiB: beyond these a figure is garbage.
GBENCH_MAX_BYTES = 2 ** 40
GBENCH_MAX_PER_ANT = 2 ** 20


def read_gbench_entries(path):
    """The per-repetition entries of a Google Benchmark JSON file, refused
    (InputError naming the entry and field) where a run failed or a memory
    figure is implausible: negative, not finite, or beyond the bounds above."""
    try:
        with open(path) as f:
            doc = json.load(f)
        entries, context = doc["benchmarks"], doc["context"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path}: not a Google Benchmark JSON file ({e})") from None
    runs = [b for b in entries if b.get("run_type", "iteration") == "iteration"]
    for b in runs:
        name = f"{path}: {b.get('name', '?')} (repetition {b.get('repetition_index', 0)})"
        if b.get("error_occurred"):
            raise InputError(f"{name}: {b.get('error_message', 'error')}")
        fields = [(k, GBENCH_MAX_BYTES) for k in GBENCH_MEMORY_FIELDS if k in b]
        fields += [(k, GBENCH_MAX_PER_ANT) for k in b if k.endswith("_per_ant")]
        for key, bound in fields:
            v = b[key]
            if not isinstance(v, (int, float)) or not math.isfinite(v) or not 0 <= v <= bound:
                raise InputError(f"{name}: {key} = {v}: implausible (0 to {bound:g} expected; "
                                 f"Google Benchmark 1.7 reports memory fields wrongly for all "
                                 f"but the last repetition)")
    return context, runs


def read_summary(path, results_dir=None):
    """Rows of one summary CSV (numbers as floats) and its JSON sidecar.
    With results_dir, each row's curve file must exist and have the header."""
    with open(path, newline="") as f:
        text = f.read()
    if text and not text.endswith("\n"):
        raise InputError(f"{path}: cut short (its last line has no newline)")
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        # the documented columns in order, less any of those added since
        if header is None or [c for c in SUMMARY_COLUMNS if c in header] != header or \
                any(c not in header and c not in ADDED_SINCE for c in SUMMARY_COLUMNS):
            raise InputError(f"{path}: not an antmem summary (header differs from the documented columns)")
        rows = []
        for lineno, cells in enumerate(reader, start=2):
            if len(cells) != len(header):
                raise InputError(f"{path}:{lineno}: expected {len(header)} fields, got {len(cells)}")
            row = {**dict.fromkeys(ADDED_SINCE, ""), **dict(zip(header, cells))}
            if row["complete"] != "1":
                raise InputError(f"{path}:{lineno}: incomplete run (complete={row['complete']}): rerun it")
            for key in NUMERIC:
                if row[key] == "":  # not measured by this allocator
                    if key in REQUIRED:
                        raise InputError(f"{path}:{lineno}: {key}: empty, but every run measures it")
                    row[key] = None
                    continue
                try:
                    value = float(row[key])
                except ValueError:
                    raise InputError(f"{path}:{lineno}: {key}: '{row[key]}' is not a number") from None
                if not math.isfinite(value) or value < 0:
                    raise InputError(f"{path}:{lineno}: {key}: '{row[key]}' is not a finite, "
                                     "non-negative number")
                row[key] = value
            if results_dir is not None:
                check_curve(os.path.join(results_dir, row["curve_file"]))
            rows.append(row)
    if not rows:
        raise InputError(f"{path}: no runs recorded")
    # one writer measured every repetition alike: a cell empty in one row and
    # not in another is damage, not "not measured"
    for key in NUMERIC:
        empty = [i for i, r in enumerate(rows, start=2) if r[key] is None]
        if empty and len(empty) < len(rows):
            raise InputError(f"{path}:{empty[0]}: {key}: empty, but measured in the other repetitions")
    meta_path = path[:-4] + ".json"
    try:
        with open(meta_path) as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"{meta_path}: {e}") from None
    if rows[0]["allocator"] in ALLOCATOR_ORDER and meta.get("sampler", "full") == "full":
        for key in REQUIRED_C:
            if rows[0][key] is None:
                raise InputError(f"{path}:2: {key}: empty, but every run measures it")
    return rows, meta


def check_curve(curve):
    try:
        with open(curve) as c:
            if c.readline().strip() != CURVE_HEADER:
                raise InputError(f"{curve}: not an antmem curve (header differs)")
    except OSError as e:
        raise InputError(f"{curve}: {e.strerror}") from None


def median_of(rows, key):
    """The median of a summary column over repetitions, leaving out runs that
    did not measure it."""
    return statistics.median(r[key] for r in rows if r[key] is not None)


def read_curve(folder, row):
    """A summary row's curve, its cells as ints (a cell not measured is left
    out of its row's dict)."""
    path = os.path.join(folder, row["curve_file"])
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from None
    for lineno, r in enumerate(rows, start=2):
        for k, v in r.items():
            if v != "" and not (v or "").isdigit():  # counts of bytes: no sign, no nan
                raise InputError(f"{path}:{lineno}: {k}: '{v}' is not a non-negative whole number")
    return [{k: int(v) for k, v in r.items() if v != ""} for r in rows]


def first_access(curve):
    """(base, before, load) of a lazy-loading curve: its baseline row, the last
    row before the data file was first read, and the row of that first read."""
    base = curve[0]
    load = min((p for p in curve if p["bytes_read"] > base["bytes_read"]), key=lambda p: p["iteration"])
    before = max((p for p in curve if p["iteration"] < load["iteration"]), key=lambda p: p["iteration"])
    return base, before, load


def replace_between(text, begin, end, block, path):
    """text with block between the markers begin and end (both kept), as the
    scripts update README.md's generated tables; InputError naming path when
    the markers are missing."""
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        name = begin.removeprefix("<!-- ").split(":")[0]  # "results-table"
        raise InputError(f"{path}: {name} markers not found")
    return text[:start] + begin + "\n" + block + text[stop:]


def registry(antmem):
    """{layout: its one-line summary}, in the registry's order (layouts/meson.build's
    list), from a driver's --list: the one place scripts and tests learn them."""
    import subprocess
    p = subprocess.run([antmem, "--list"], capture_output=True, text=True)
    if p.returncode != 0:
        raise InputError(f"{antmem} --list: {p.stderr.strip() or f'exit {p.returncode}'}")
    found, inside = {}, False
    for line in p.stdout.splitlines():
        if line == "layouts:":
            inside = True
        elif not line.startswith("  "):
            inside = False
        elif inside:
            name, _, summary = line.strip().partition(" ")
            found[name] = summary.strip()
    if not found:
        raise InputError(f"{antmem} --list: no layouts")
    return found


def registry_layouts(antmem):
    return list(registry(antmem))


def order_key(layout, allocator, layout_index=None):
    """Allocators in ALLOCATOR_ORDER, then by name; layouts in the registry's
    order (the sidecar's layout_index: layouts/meson.build's list), then the
    ones without a place there (the reference interpreter's) by name."""
    def rank(order, name):
        return (order.index(name), "") if name in order else (len(order), name)
    place = (0, layout_index, "") if layout_index is not None and layout_index >= 0 else (1, 0, layout)
    return rank(ALLOCATOR_ORDER, allocator), place


def summaries(*pattern):
    """The summary files matching the glob os.path.join(*pattern), sorted,
    less those of runs that stopped early (X.incomplete.csv: the driver keeps
    them beside a complete summary, never over it, and no report takes them)."""
    return sorted(p for p in glob.glob(os.path.join(*pattern)) if not p.endswith(".incomplete.csv"))


def own_pair(path, rows, scenario=None):
    """InputError unless the summary at path holds only the rows of the pair
    its name says (scenario-layout-allocator.csv; of scenario, when given):
    one summary per scenario, layout and allocator, or a stray copy
    (x_copy.csv) or a file of another pair's rows would stand in for, or
    beside, the real one."""
    scenario = scenario or rows[0]["scenario"]
    layout, allocator = rows[0]["layout"], rows[0]["allocator"]
    expected = f"{scenario}-{layout}-{allocator}.csv"
    if os.path.basename(path) != expected:
        raise InputError(f"{path}: holds {scenario}/{layout}/{allocator}, whose summary is "
                         f"{expected}: a stray or renamed copy? (refused)")
    for lineno, r in enumerate(rows, start=2):
        if (r["scenario"], r["layout"], r["allocator"]) != (scenario, layout, allocator):
            raise InputError(f"{path}:{lineno}: a row of {r['scenario']}/{r['layout']}/{r['allocator']} "
                             f"among {scenario}/{layout}/{allocator}'s")


def load(results_dir, scenario, check_curves=True):
    """Every summary of the scenario as {"layout", "allocator", "rows", "meta"},
    allocator by allocator, layouts in the registry's order."""
    paths = summaries(results_dir, "summary", f"{scenario}-*.csv")
    if not paths:
        raise InputError(f"{results_dir}/summary: no {scenario}-*.csv: run antmem first")
    entries = []
    for path in paths:
        rows, meta = read_summary(path, results_dir if check_curves else None)
        own_pair(path, rows, scenario)
        layout, allocator = rows[0]["layout"], rows[0]["allocator"]
        entries.append({"layout": layout, "allocator": allocator, "rows": rows, "meta": meta})
    return sorted(entries, key=lambda e: order_key(e["layout"], e["allocator"],
                                                   e["meta"].get("layout_index")))


def write_atomic(path, text):
    """Write text to path whole or not at all: a temporary beside it, renamed."""
    tmp = os.path.join(os.path.dirname(path) or ".", f".{os.path.basename(path)}.tmp{os.getpid()}")
    try:
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        # a full disk fails in write or close, with no file name: give it one
        raise OSError(e.errno, e.strerror, path) from None
