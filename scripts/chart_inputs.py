#!/usr/bin/env python3
"""What scripts/plot-all needs to know before drawing, from the result files.

  chart_inputs.py median-curve SUMMARY_CSV
      the curve of the repetition with the median RSS (the one the breakdown
      uses too), as "CURVE_PATH REPETITION REPETITIONS": a chart then shows a
      run whose figures are the tables' medians, and says which
  chart_inputs.py titles COL TITLE=CURVE ... | TITLE=CURVE:COL ...
      the legend titles, quoted for gnuplot's word(), each series that another
      drawn after it covers (the same values at every iteration, as plotted:
      above the first row, within 0.5 % of the chart's range) marked
      "(hidden under LATER: same curve)"; COL is the default column
  chart_inputs.py by-size-titles CSV COL VARIANT ...
      the same for the by-size charts (chunked-by-size.csv): a variant whose
      values equal a later one's within 1 % at every size (on log axes: the
      same point) is marked "(hidden under LATER: same values)"
Standard library only. Exit status: 0, 1 unreadable input, 2 bad arguments."""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from antmem_results import InputError, read_summary  # noqa: E402
from breakdown import median_run  # noqa: E402

SAME = 0.005  # of the chart's range: about two pixels, a line's width


def median_curve(summary_csv):
    rows = read_summary(summary_csv)[0]
    r = median_run(rows)
    folder = os.path.dirname(os.path.dirname(os.path.abspath(summary_csv)))
    return f"{os.path.join(folder, r['curve_file'])} {int(r['repetition'])} {len(rows)}"


def series(path, col):
    """[(x, y above the first row)] of one curve column."""
    try:
        with open(path, newline="") as f:
            rows = [(int(r["iteration"]), int(r[col])) for r in csv.DictReader(f) if r.get(col)]
    except (OSError, KeyError, ValueError) as e:
        raise InputError(f"{path}: {col}: {e}") from None
    if not rows:
        raise InputError(f"{path}: no {col} values")
    return [(x, y - rows[0][1]) for x, y in rows]


def same(a, b, span):
    """Whether two step curves are within SAME of the span at every x of
    either (one walk over both, in x order)."""
    i = j = 0
    ya, yb = a[0][1], b[0][1]
    while i < len(a) or j < len(b):
        x = min(a[i][0] if i < len(a) else float("inf"), b[j][0] if j < len(b) else float("inf"))
        while i < len(a) and a[i][0] == x:
            ya = a[i][1]
            i += 1
        while j < len(b) and b[j][0] == x:
            yb = b[j][1]
            j += 1
        if abs(ya - yb) > SAME * span:
            return False
    return True


def titles(default_col, specs):
    named = []
    for spec in specs:
        title, _, where = spec.partition("=")
        path, _, col = where.partition(":") if ":" in where else (where, "", default_col)
        named.append((title, series(path, col or default_col)))
    span = max(abs(y) for _, s in named for _, y in s) or 1
    out = []
    for i, (title, s) in enumerate(named):
        cover = next((t for t, later in named[i + 1:] if same(s, later, span)), None)
        out.append(f"{title} (hidden under {cover}: same curve)" if cover else title)
    return " ".join(f'"{t}"' for t in out)


def by_size_titles(path, col, variants):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        values = {v: {int(r["rows"]): float(r[col]) for r in rows if r["variant"] == v and r.get(col)}
                  for v in variants}
    except (OSError, KeyError, ValueError) as e:
        raise InputError(f"{path}: {col}: {e}") from None
    def same(a, b):
        return a.keys() == b.keys() and all(abs(a[x] - b[x]) <= 0.01 * max(abs(a[x]), abs(b[x])) for x in a)
    out = []
    for i, v in enumerate(variants):
        cover = next((w for w in variants[i + 1:] if values[v] and same(values[v], values[w])), None)
        out.append(f"{v} (hidden under {cover}: same values)" if cover else v)
    return " ".join(f'"{t}"' for t in out)


def main(argv):
    try:
        if len(argv) == 2 and argv[0] == "median-curve":
            print(median_curve(argv[1]))
        elif len(argv) >= 3 and argv[0] == "titles":
            print(titles(argv[1], argv[2:]))
        elif len(argv) >= 4 and argv[0] == "by-size-titles":
            print(by_size_titles(argv[1], argv[2], argv[3:]))
        else:
            print(__doc__.split("\n\n")[1], file=sys.stderr)
            return 2
    except (InputError, OSError) as e:
        print(f"chart_inputs.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
