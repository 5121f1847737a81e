#!/usr/bin/env python3
"""Traceability: recomputes the cells of the committed results/REPORT.md
tables from the committed CSVs, with code of its own (not report.py's), and
fails if any differs, so no figure in the report can have been typed by hand
or left behind by an older run.

usage: test_traceability.py RESULTS_DIR"""
import csv
import glob
import os
import subprocess
import re
import statistics
import sys
import unittest

RESULTS = None


def summaries():
    out = {}
    for path in glob.glob(os.path.join(RESULTS, "summary", "colony-*.csv")):
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        out[(rows[0]["layout"], rows[0]["allocator"])] = rows
    return out


def median_cell(rows, column, digits):
    values = [float(r[column]) for r in rows if r[column] != ""]
    if not values:
        return "–"
    med, lo, hi = statistics.median(values), min(values), max(values)
    text = f"{med:.{digits}f}"
    if f"{lo:.{digits}f}" != f"{hi:.{digits}f}":
        text += f" ({lo:.{digits}f}–{hi:.{digits}f})"
    return text


def table_rows(text, heading):
    """The cells of each row of the first table after the heading."""
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|---"):
            continue
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
        elif rows:
            break
    return rows[0], rows[1:]


class Traceability(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(RESULTS, "REPORT.md")) as f:
            cls.report = f.read()
        cls.summaries = summaries()

    def test_primary_table(self):
        head, rows = table_rows(self.report, "## Bytes and time per ant (jemalloc)")
        self.assertGreaterEqual(len(rows), 4)
        columns = {"requested B/ant": ("bytes_per_ant_requested", 2),
                   "usable B/ant": ("bytes_per_ant_usable", 2),
                   "RSS live B/ant": ("bytes_per_ant_rss_purged", 2),
                   "RSS as run B/ant": ("bytes_per_ant_rss", 2),
                   "build ns/ant": ("ns_per_ant", 1),
                   "traverse ns/ant": ("traverse_ns_per_ant", 1)}
        for cells in rows:
            runs = self.summaries[(cells[0], "jemalloc")]
            for name, (column, digits) in columns.items():
                self.assertEqual(cells[head.index(name)], median_cell(runs, column, digits),
                                 f"{cells[0]} {name}")

    def test_allocator_table(self):
        head, rows = table_rows(self.report, "## Across allocators and against CPython")
        seen = set()
        for cells in rows:
            allocator = cells[1].split()[0]
            runs = self.summaries[(cells[0], allocator)]
            seen.add((cells[0], allocator))
            self.assertEqual(cells[head.index("RSS as run B/ant")], median_cell(runs, "bytes_per_ant_rss", 2))
            if cells[head.index("RSS live B/ant")] != "–":  # CPython cannot be asked to purge
                self.assertEqual(cells[head.index("RSS live B/ant")],
                                 median_cell(runs, "bytes_per_ant_rss_purged", 2))
            self.assertEqual(cells[head.index("usable B/ant")], median_cell(runs, "bytes_per_ant_usable", 2))
            self.assertEqual(cells[head.index("requested B/ant")],
                             median_cell(runs, "bytes_per_ant_requested", 2))
        self.assertEqual(seen, set(self.summaries), "every summary has its row, and no other row")

    def test_one_whole_run(self):
        """Every file of the committed results is the one its run wrote
        (scripts/check-results against the run's MANIFEST)."""
        script = os.path.join(RESULTS, "..", "scripts", "check-results")
        if not os.path.exists(os.path.join(RESULTS, "MANIFEST")):
            self.skipTest("no MANIFEST: results made before run-all wrote one")
        p = subprocess.run([sys.executable, script, RESULTS], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_readme_table_matches_report(self):
        readme = os.path.join(RESULTS, "..", "README.md")
        if not os.path.exists(readme):
            self.skipTest("no README.md beside these results")
        with open(readme) as f:
            text = f.read()
        _, report_rows = table_rows(self.report, "## Bytes and time per ant (jemalloc)")
        _, readme_rows = table_rows(text, "<!-- results-table:begin")
        self.assertEqual(readme_rows, report_rows)

    def test_curves_exist_for_every_run(self):
        for rows in self.summaries.values():
            for r in rows:
                path = os.path.join(RESULTS, r["curve_file"])
                with open(path) as f:
                    lines = f.read().splitlines()
                self.assertEqual(len(lines) - 1, int(r["curve_rows"]), path)
                final = lines[-1].split(",")
                self.assertEqual(final[1], r["final_rss_bytes"], f"{path}: last row is the final figure")


if __name__ == "__main__":
    RESULTS = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
