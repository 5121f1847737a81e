"""Reading antmem's result files, shared by report.py and compare.py: the
documented summary columns, and a reader that refuses, naming the file and
line, anything malformed or incomplete. Standard library only."""
import csv
import glob
import json
import os

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


class InputError(Exception):
    pass


def read_summary(path, results_dir=None):
    """Rows of one summary CSV (numbers as floats) and its JSON sidecar.
    With results_dir, each row's curve file must exist and have the header."""
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
            if results_dir is not None:
                check_curve(os.path.join(results_dir, row["curve_file"]))
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


def check_curve(curve):
    try:
        with open(curve) as c:
            if c.readline().strip() != CURVE_HEADER:
                raise InputError(f"{curve}: not an antmem curve (header differs)")
    except OSError as e:
        raise InputError(f"{curve}: {e.strerror}") from None


def load(results_dir, scenario, check_curves=True):
    paths = sorted(glob.glob(os.path.join(results_dir, "summary", f"{scenario}-*.csv")))
    if not paths:
        raise InputError(f"{results_dir}/summary: no {scenario}-*.csv: run antmem first")
    layouts = {}
    for path in paths:
        rows, meta = read_summary(path, results_dir if check_curves else None)
        layouts[rows[0]["layout"]] = {"rows": rows, "meta": meta}
    order = [l for l in LAYOUT_ORDER if l in layouts] + sorted(set(layouts) - set(LAYOUT_ORDER))
    return [(l, layouts[l]) for l in order]


