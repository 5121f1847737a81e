#!/usr/bin/env python3
"""End-to-end tests of scripts/: report.py and plot-all on a small fixture
(tests/fixtures/results, its colony runs made afresh by the build: see
fixture_dir), the refusal of malformed or incomplete input, and run-all's
argument checks.

usage: test_scripts.py SOURCE_ROOT BUILD_ROOT"""
import atexit
import csv
import glob
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from antmem_results import SUMMARY_COLUMNS, caption  # noqa: E402

ROOT = BUILD = None


_FIXTURE = []


def fixture_dir():
    """The results the script tests read: tests/fixtures/results (the dataset
    scenarios' runs, pandas' included) with the colony runs and Google
    Benchmark's entries made afresh by this build, so every layout in the
    registry is in them (tests/fixtures/make-results's commands, once per test
    run). Where the build cannot measure (a sanitizer replaced malloc), the
    committed colony runs stand in."""
    if _FIXTURE:
        return _FIXTURE[0]
    committed = os.path.join(ROOT, "tests", "fixtures", "results")
    made = tempfile.mkdtemp(prefix="antmem-fixture-")
    atexit.register(shutil.rmtree, made, True)
    made = os.path.join(made, "results")
    shutil.copytree(committed, made)
    bench = os.path.join(BUILD, "bench")
    try:
        fresh = os.path.join(os.path.dirname(made), "fresh")
        os.makedirs(fresh)
        for driver in ("antmem", "antmem-glibc", "antmem-mimalloc"):
            subprocess.run([os.path.join(bench, driver), "--n", "3000", "--reps", "2", "--curve-stride", "15",
                            "--out", fresh, "-q"], check=True, capture_output=True)
        subprocess.run([os.path.join(bench, "bench_layouts"), "--benchmark_filter=^(build|get)/[a-z_]+/1000$",
                        "--benchmark_repetitions=2", "--benchmark_min_time=0.01",
                        f"--benchmark_out={os.path.join(fresh, 'gbench.json')}", "--benchmark_out_format=json"],
                       check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        _FIXTURE.append(committed)
        return committed
    for old in glob.glob(os.path.join(made, "summary", "colony-*")) + glob.glob(os.path.join(made, "curves", "colony-*")):
        os.remove(old)
    shutil.copytree(fresh, made, dirs_exist_ok=True)
    _FIXTURE.append(made)
    return made


def fixture_layouts():
    """The fixture's colony layouts in the registry's order (their sidecars'
    layout_index): tests take their examples from here, never by name, unless
    they check one layout's own figures."""
    metas = []
    for path in glob.glob(os.path.join(fixture_dir(), "summary", "colony-*-jemalloc.json")):
        with open(path) as f:
            meta = json.load(f)
        layout = os.path.basename(path)[len("colony-"):-len("-jemalloc.json")]
        metas.append((meta.get("layout_index", 99), layout))
    return [layout for _, layout in sorted(metas)]


def first():
    return fixture_layouts()[0]


def last():
    return fixture_layouts()[-1]


def script(name):
    return os.path.join(ROOT, "scripts", name)


class FixtureCopy(unittest.TestCase):
    """A fresh copy of tests/fixtures/results per test, in self.res."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.res = os.path.join(self.tmp.name, "results")
        shutil.copytree(fixture_dir(), self.res)

    def tearDown(self):
        self.tmp.cleanup()


class Report(FixtureCopy):
    def report(self, *extra):
        return subprocess.run([sys.executable, script("report.py"), self.res, *extra],
                              capture_output=True, text=True)

    def summary_rows(self, layout, allocator="jemalloc"):
        with open(os.path.join(self.res, "summary", f"colony-{layout}-{allocator}.csv"), newline="") as f:
            return list(csv.DictReader(f))

    def test_outputs_trace_to_the_csvs(self):
        p = self.report()
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.res, "colony-bytes-per-ant.csv"), newline="") as f:
            bpa = {r["layout"]: r for r in csv.DictReader(f)}
        self.assertEqual(list(bpa), fixture_layouts(), "the registry's order")
        for layout, row in bpa.items():
            rows = self.summary_rows(layout)
            rss = sorted(float(r["bytes_per_ant_rss"]) for r in rows)
            self.assertAlmostEqual(float(row["usable"]), float(rows[0]["bytes_per_ant_usable"]), places=3)
            self.assertAlmostEqual(float(row["rss_min"]), rss[0], places=3)
            self.assertAlmostEqual(float(row["rss_max"]), rss[-1], places=3)
        with open(os.path.join(self.res, "REPORT.md")) as f:
            text = f.read()
        first = fixture_layouts()[0]
        dict_alloc = float(self.summary_rows(first)[0]["bytes_per_ant_allocated"])
        self.assertIn(f"| {first} | ", text)
        self.assertIn(f"{dict_alloc:.2f}", text)
        self.assertIn(f"| {fixture_layouts()[-1]} | glibc", text)
        self.assertIn("N = 3,000 ants, 2 repetition(s)", text)
        self.assertIn("colony-rss.svg", text)

    def test_implausible_gbench_memory_fields_refused(self):
        # What Google Benchmark 1.7.1 writes for all but the last repetition
        # when a MemoryManager is registered: figures read from freed storage.
        path = os.path.join(self.res, "gbench.json")
        with open(path) as f:
            doc = json.load(f)
        runs = [b for b in doc["benchmarks"] if b["run_type"] == "iteration"]
        for b in runs:
            b.update(allocs_per_iter=3000.0, max_bytes_used=4096, total_allocated_bytes=8192,
                     net_heap_growth=0)
        with open(path, "w") as f:
            json.dump(doc, f)
        self.assertEqual(self.report().returncode, 0, "sane memory fields pass")
        with open(os.path.join(self.res, "REPORT.md")) as f:
            before = f.read()
        for key, bad in (("max_bytes_used", 3470979195460399152), ("net_heap_growth", -1),
                         ("allocator_bytes_per_ant", 1e12)):
            with self.subTest(key=key):
                saved = runs[0][key]
                runs[0][key] = bad
                with open(path, "w") as f:
                    json.dump(doc, f)
                runs[0][key] = saved
                p = self.report()
                self.assertEqual(p.returncode, 1)
                self.assertIn(f"{runs[0]['name']} (repetition 0): {key} = ", p.stderr)
                self.assertIn("implausible", p.stderr)
                self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
                with open(os.path.join(self.res, "REPORT.md")) as f:
                    self.assertEqual(f.read(), before, "the earlier report stays")

    def test_carried_figures_keep_their_own_commit(self):
        # what run-all -P/-G leave: files from an earlier run beside the new ones
        path = os.path.join(self.res, "summary", f"colony-{last()}-glibc.json")
        with open(path) as f:
            meta = json.load(f)
        meta.update(git_commit="0123456789ab", date_utc="2026-01-02T03:04:05Z")
        with open(path, "w") as f:
            json.dump(meta, f)
        gb = os.path.join(self.res, "gbench.json")
        with open(gb) as f:
            doc = json.load(f)
        doc["context"]["antmem_commit"] = "fedcba987654"
        with open(gb, "w") as f:
            json.dump(doc, f)
        self.assertEqual(self.report().returncode, 0)
        with open(os.path.join(self.res, "REPORT.md")) as f:
            text = f.read()
        self.assertIn(f"| {last()} † | glibc", text)
        self.assertIn(f"† carried forward from an earlier run, not re-run here: {last()}/glibc: commit "
                      "`0123456789ab`, 2026-01-02T03:04:05Z.", text)
        self.assertIn("Made at commit `fedcba987654`", text)
        self.assertIn("carried forward from an earlier run (`scripts/run-all -G`)", text)

    def test_readme_table_replaced_between_markers(self):
        readme = os.path.join(self.tmp.name, "README.md")
        with open(readme, "w") as f:
            f.write("intro\n<!-- results-table:begin (scripts/report.py writes this) -->\nold\n"
                    "<!-- results-table:end -->\nmiddle\n"
                    "<!-- breakdown-table:begin (scripts/report.py writes this) -->\nold\n"
                    "<!-- breakdown-table:end -->\noutro\n")
        p = self.report("--readme", readme)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(readme) as f:
            text = f.read()
        self.assertTrue(text.startswith("intro\n") and text.endswith("<!-- breakdown-table:end -->\noutro\n"))
        self.assertIn("<!-- results-table:end -->\nmiddle\n", text)
        self.assertNotIn("\nold\n", text)
        self.assertIn(f"| {last()} | ", text)
        self.assertIn("| soa | mimalloc | 6.63 |", text, "the breakdown table (soa's own payload)")

    def test_readme_without_markers_writes_nothing(self):
        """Everything is made before anything is written: a README without
        its markers fails the report and leaves every output as it was."""
        readme = os.path.join(self.tmp.name, "README.md")
        with open(readme, "w") as f:
            f.write("no markers here\n")
        def top_files():
            found = {}
            for name in os.listdir(self.res):
                path = os.path.join(self.res, name)
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        found[name] = f.read()
            return found
        before = top_files()
        p = self.report("--readme", readme)
        self.assertEqual(p.returncode, 1)
        self.assertIn("results-table markers not found", p.stderr)
        self.assertEqual(top_files(), before, "no output written")

    def test_crosscheck_section(self):
        record = {"tolerance_percent": 0.1, "checks": [
            {"tool": "heaptrack", "command": "heaptrack build/bench/antmem-glibc --no-fork", "layout": "any",
             "n": 50000, "tool_peak_bytes": 917890, "tool_process_peak_bytes": 995162,
             "suite_peak_requested_bytes": 917890, "difference_percent": 0.0,
             "outside_layouts": [{"bytes": 72704, "stack_tail": "call_init;0x7f51512a57b9"}]}]}
        path = os.path.join(self.res, "crosscheck.json")
        with open(path, "w") as f:
            json.dump(record, f)
        p = self.report()
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.res, "REPORT.md")) as f:
            text = f.read()
        self.assertIn("| heaptrack | any | 50,000 | 917,890 | 917,890 | **+0.0000 %** | 995,162 | "
                      "72,704 B from `0x7f51512a57b9` |", text)
        del record["checks"][0]["tool_peak_bytes"]
        with open(path, "w") as f:
            json.dump(record, f)
        self.refused("crosscheck.json: not a cross-check record")

    def breakdown_rows(self):
        with open(os.path.join(self.res, "colony-breakdown.csv"), newline="") as f:
            return list(csv.DictReader(f))

    def test_breakdown_sums_to_rss_and_none_negative(self):
        p = self.report()
        self.assertEqual(p.returncode, 0, p.stderr)
        parts = ["payload", "headers_pointers", "table_slack", "padding", "growth_slack",
                 "size_class_rounding", "allocator_overhead", "resident_not_in_use", "unattributed"]
        rows = self.breakdown_rows()
        self.assertEqual(len(rows), 3 * len(fixture_layouts()), "every layout x 3 allocators")
        for r in rows:
            where = f"{r['layout']}/{r['allocator']}"
            values = [float(r[c]) for c in parts if r[c] != ""]
            self.assertTrue(all(v >= 0 for v in values), where)
            self.assertLessEqual(abs(sum(values) - float(r["total_rss"])), 0.001 * float(r["total_rss"]), where)
            # the run it came from: the layout's kinds add up to its requested bytes
            run = next(x for x in self.summary_rows(r["layout"], r["allocator"])
                       if x["repetition"] == r["repetition"])
            kinds = sum(float(run.get(f"bytes_per_ant_{k}") or 0) for k in  # no padding: an older fixture
                        ("payload", "headers", "table_slack", "padding", "growth_slack"))
            self.assertAlmostEqual(kinds, float(run["bytes_per_ant_requested"]), delta=0.005, msg=where)
            self.assertAlmostEqual(float(r["total_rss"]), float(run["bytes_per_ant_rss"]), places=3)
            measured = r["allocator"] != "mimalloc"
            self.assertEqual(r["allocator_overhead"] != "", measured, f"{where}: not measured is empty")
            self.assertEqual(r["unattributed"] != "", not measured, where)

    def set_column(self, layout, column, value_of):
        def edit(lines):
            out = [lines[0]]
            for line in lines[1:]:
                cells = line.split(",")
                row = dict(zip(SUMMARY_COLUMNS, cells))
                cells[SUMMARY_COLUMNS.index(column)] = f"{value_of(row):.3f}"
                out.append(",".join(cells))
            return out
        self.rewrite_summary(layout, edit)

    def test_breakdown_refuses_an_account_that_does_not_add_up(self):
        last = fixture_layouts()[-1]
        self.set_column(last, "bytes_per_ant_payload", lambda r: float(r["bytes_per_ant_payload"]) + 1)
        self.refused(f"{last}/jemalloc: the layout accounts for")

    def test_breakdown_refuses_a_negative_component(self):
        first = fixture_layouts()[0]
        self.set_column(first, "bytes_per_ant_usable", lambda r: float(r["bytes_per_ant_requested"]) - 2)
        self.refused(f"{first}/jemalloc: size_class_rounding is negative")

    def test_breakdown_bounds_what_rss_after_the_purge_leaves_unexplained(self):
        # The components sum to RSS by construction; this is the check that can
        # fail: 1000 B/ant more resident after the purge that the allocator does not
        # have in use is above 0.5 % of RSS + 64 pages at 3,000 ants.
        first = fixture_layouts()[0]
        self.set_column(first, "bytes_per_ant_rss_purged", lambda r: float(r["bytes_per_ant_rss"]) + 1000)
        self.refused(f"{first}/jemalloc: ")
        p = self.report()
        self.assertIn("resident after the purge and not in use by the allocator, above the bound", p.stderr)

    def refused(self, words):
        before = sorted(os.listdir(self.res))
        p = self.report()
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn(words, p.stderr)
        self.assertEqual(sorted(os.listdir(self.res)), before, "nothing written")

    def rewrite_summary(self, layout, edit):
        path = os.path.join(self.res, "summary", f"colony-{layout}-jemalloc.csv")
        with open(path) as f:
            lines = f.read().splitlines()
        with open(path, "w") as f:
            f.write("\n".join(edit(lines)) + "\n")
        return path

    def test_refuses_incomplete_run(self):
        def mark(lines):
            cells = lines[1].split(",")
            cells[5] = "0"
            return [lines[0], ",".join(cells)] + lines[2:]
        path = self.rewrite_summary(first(), mark)
        self.refused(f"{path}:2: incomplete run")

    def test_refuses_wrong_header(self):
        path = self.rewrite_summary(last(), lambda l: [l[0].replace("rss", "rsz")] + l[1:])
        self.refused(f"{path}: not an antmem summary")

    def test_refuses_short_row_and_non_numbers(self):
        path = self.rewrite_summary(first(), lambda l: l + [f"colony,{first()},jemalloc,3"])
        with open(path) as f:  # the committed fixture may carry an earlier header (fewer columns)
            fields = len(f.readline().split(","))
        self.refused(f"{path}:4: expected {fields} fields, got 4")

    def test_refuses_non_number(self):
        def bad(lines):
            cells = lines[1].split(",")
            cells[SUMMARY_COLUMNS.index("bytes_per_ant_rss")] = "lots"
            return [lines[0], ",".join(cells)] + lines[2:]
        path = self.rewrite_summary(last(), bad)
        self.refused(f"{path}:2: bytes_per_ant_rss: 'lots' is not a number")

    def test_allocators_csv(self):
        self.assertEqual(self.report().returncode, 0)
        with open(os.path.join(self.res, "colony-allocators.csv"), newline="") as f:
            rows = {r["layout"]: r for r in csv.DictReader(f)}
        for allocator in ("jemalloc", "glibc", "mimalloc"):
            usable = float(self.summary_rows(last(), allocator)[0]["bytes_per_ant_usable"])
            self.assertAlmostEqual(float(rows[last()][f"{allocator}_usable"]), usable, places=3)

    def test_refuses_missing_curve(self):
        os.unlink(os.path.join(self.res, "curves", f"colony-{last()}-jemalloc-r2.csv"))
        self.refused(f"colony-{last()}-jemalloc-r2.csv: No such file")

    def test_refuses_malformed_curve(self):
        path = os.path.join(self.res, "curves", f"colony-{first()}-glibc-r1.csv")
        with open(path, "w") as f:
            f.write("iteration,rss\n0,1\n")
        self.refused(f"{path}: not an antmem curve")

    def test_refuses_empty_folder(self):
        shutil.rmtree(os.path.join(self.res, "summary"))
        self.refused("no colony-*.csv")

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot not installed")
    def test_plots(self):
        self.assertEqual(self.report().returncode, 0)
        p = subprocess.run([script("plot-all"), self.res], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        for base in ("colony-rss", "colony-allocated", "colony-bytes-per-ant", "colony-allocators",
                     "colony-breakdown",
                     f"colony-heap-vs-rss-{first()}", f"colony-heap-vs-rss-{last()}"):
            with open(os.path.join(self.res, base + ".png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            with open(os.path.join(self.res, base + ".svg")) as f:
                svg = f.read()
            self.assertIn("<svg", svg)
            self.assertIn(last() if base.endswith(last()) else first(), svg)
            self.assertNotIn("<title>Gnuplot</title>", svg, base)
            self.assertIn("<title>" + html.escape(caption(base)) + "</title>", svg, base)
        with open(os.path.join(self.res, "REPORT.md")) as f:
            report = f.read()
        self.assertIn("![bytes per ant](colony-bytes-per-ant.svg)\n\n*" + caption("colony-bytes-per-ant") + "*",
                      report, "each chart's caption under it")
        self.assertFalse([n for n in os.listdir(self.res) if ".tmp" in n], "no temporaries")

    def curve(self, name, values):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write("iteration,rss_bytes\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)))
        return path

    def chart_inputs(self, *args):
        return subprocess.run([sys.executable, script("chart_inputs.py"), *args], capture_output=True, text=True)

    def test_a_covered_curve_says_so(self):
        a = self.curve("a.csv", [100, 200, 300, 400])
        b = self.curve("b.csv", [5000, 5100, 5200, 5300])   # the same above its baseline
        c = self.curve("c.csv", [0, 300, 600, 900])
        p = self.chart_inputs("titles", "rss_bytes", f"a={a}", f"b={b}", f"c={c}")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), '"a (hidden under b: same curve)" "b" "c"')
        p = self.chart_inputs("titles", "rss_bytes", f"a={a}", f"c={c}")
        self.assertEqual(p.stdout.strip(), '"a" "c"', "apart: nothing said")

    def test_a_covered_point_series_says_so(self):
        path = os.path.join(self.tmp.name, "by-size.csv")
        with open(path, "w") as f:
            f.write("rows,variant,bytes_read\n1000,a,100\n4000,a,400\n1000,b,100.5\n4000,b,401\n"
                    "1000,c,100\n4000,c,800\n")
        p = self.chart_inputs("by-size-titles", path, "bytes_read", "a", "b", "c")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), '"a (hidden under b: same values)" "b" "c"')

    def test_charts_show_the_median_repetition(self):
        path = os.path.join(self.res, "summary", f"colony-{last()}-jemalloc.csv")
        rows = self.summary_rows(last())
        median = sorted(rows, key=lambda r: (float(r["bytes_per_ant_rss"]), int(r["repetition"])))[(len(rows) - 1) // 2]
        p = self.chart_inputs("median-curve", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        curve, rep, reps = p.stdout.split()
        self.assertEqual((rep, int(reps)), (median["repetition"], len(rows)))
        self.assertTrue(curve.endswith(median["curve_file"]))

    def test_plot_without_gnuplot_names_the_package(self):
        env = dict(os.environ, PATH="/nonexistent")
        p = subprocess.run(["/bin/bash", script("plot-all"), self.res], capture_output=True,
                           text=True, env=env)
        self.assertEqual(p.returncode, 3)
        self.assertIn("apt-get install gnuplot-nox", p.stderr)


class DatasetReport(FixtureCopy):
    """dataset_report.py and the lazy/chunked charts on the fixture (lazy: 10
    processors over 300 rows; chunked: 300 and 600 rows in chunks of 128)."""

    def run_report(self):
        return subprocess.run([sys.executable, script("dataset_report.py"), self.res],
                              capture_output=True, text=True)

    def test_a_curve_without_a_row_at_the_first_processor(self):
        # Curves keep change points only: where nothing moved at processor 1
        # (pandas' RSS often does not), there is no row for it, and the
        # report reads the value from the row before (a run-all stopped here).
        for name in ("lazy-py_lazy-pandas-r1.csv", "lazy-lazy-rows-jemalloc-r1.csv"):
            path = os.path.join(self.res, "curves", name)
            with open(path) as f:
                lines = f.read().splitlines()
            with open(path, "w") as f:
                f.write("\n".join(l for l in lines if not l.startswith("1,")) + "\n")
        p = self.run_report()
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_tables_trace_to_the_csvs(self):
        p = self.run_report()
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.res, "chunked-by-size.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([(r["rows"], r["variant"], r["allocator"]) for r in rows],
                         [(n, v, a) for n in ("300", "600") for v, a in (
                             ("whole", "jemalloc"), ("chunked", "jemalloc"), ("reread", "jemalloc"),
                             ("py_whole", "pandas"), ("py_chunksize", "pandas"), ("py_skiprows", "pandas"))])
        by = {(r["rows"], r["variant"]): r for r in rows}
        self.assertEqual(by[("600", "chunked")]["chunks"], "5", "4 full chunks and a partial one")
        self.assertGreater(int(by[("600", "reread")]["bytes_read"]), 2 * int(by[("600", "chunked")]["bytes_read"]))
        self.assertGreater(int(by[("600", "whole")]["peak_requested_bytes"]),
                           int(by[("600", "chunked")]["peak_requested_bytes"]))
        with open(os.path.join(self.res, "lazy.csv"), newline="") as f:
            lazy = {r["variant"]: r for r in csv.DictReader(f)}
        self.assertGreater(int(lazy["eager-rows"]["requested_bytes"]), 4 * int(lazy["lazy-rows"]["requested_bytes"]))
        # the article's pandas code beside the C variants: requested not measured, RSS is
        self.assertEqual(lazy["py_lazy"]["requested_bytes"], "")
        self.assertGreater(int(lazy["py_eager"]["rss_bytes"]), 2 * int(lazy["py_lazy"]["rss_bytes"]))
        self.assertEqual(by[("600", "py_skiprows")]["peak_requested_bytes"], "")
        self.assertGreater(int(by[("600", "py_skiprows")]["bytes_read"]),
                           2 * int(by[("600", "py_chunksize")]["bytes_read"]))
        with open(os.path.join(self.res, "DATASETS.md")) as f:
            text = f.read()
        self.assertIn("| eager-rows | jemalloc | 10 |", text)
        self.assertIn("| py_lazy | pandas | 10 | – |", text)
        self.assertIn("The article's own `DataLoader`", text)
        self.assertRegex(text, r"\| 600 \| lazy-rows \| jemalloc \| 4 \| \d+ B requested \| 0\.\d\d MiB \|")
        self.assertRegex(text, r"\| 600 \| py_lazy \| pandas \| 4 \| [\d,]+ B RSS \| – \|")
        self.assertIn("the seed's before/after figure", text)

    def test_refuses_incomplete(self):
        path = os.path.join(self.res, "sizes", "600", "summary", "chunked-reread-jemalloc.csv")
        with open(path) as f:
            lines = f.read().splitlines()
        cells = lines[1].split(",")
        cells[5] = "0"
        with open(path, "w") as f:
            f.write("\n".join([lines[0], ",".join(cells)] + lines[2:]) + "\n")
        p = self.run_report()
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"{path}:2: incomplete run", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.res, "DATASETS.md")), "nothing written")

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot not installed")
    def test_charts(self):
        self.assertEqual(self.run_report().returncode, 0)
        self.assertEqual(subprocess.run([sys.executable, script("report.py"), self.res]).returncode, 0)
        p = subprocess.run([script("plot-all"), self.res], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        for base in ("lazy-rss", "chunked-rss", "chunked-peak-by-size", "chunked-read-by-size",
                     "chunked-time-by-size"):
            with open(os.path.join(self.res, base + ".png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", base)


class Compare(unittest.TestCase):
    """scripts/compare.py against a copy of the fixture with figures changed."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.base = fixture_dir()
        self.new = os.path.join(self.tmp.name, "new")
        shutil.copytree(self.base, self.new)

    def tearDown(self):
        self.tmp.cleanup()

    def compare(self, *extra):
        return subprocess.run([sys.executable, script("compare.py"), "--no-time", *extra,
                               self.base, self.new], capture_output=True, text=True)

    def edit_summary(self, layout, edit, folder=None):
        """Rewrite the new run's (or folder's) jemalloc summary of layout, edit(row) on each row."""
        path = os.path.join(folder or self.new, "summary", f"colony-{layout}-jemalloc.csv")
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
            fields = list(rows[0])
        for r in rows:
            edit(r)
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)

    def scale_summary(self, layout, column, factor):
        self.edit_summary(layout, lambda r: r.update({column: f"{float(r[column]) * factor:.3f}"}))

    def test_stray_copy_cannot_hide_a_regression(self):
        """The old summary kept as a copy beside a regressed one: refused by
        name (exit 2), where it used to win and the gate passed."""
        path = os.path.join(self.new, "summary", f"colony-{first()}-jemalloc.csv")
        shutil.copy(path, path[:-4] + "_copy.csv")
        shutil.copy(path[:-4] + ".json", path[:-4] + "_copy.json")
        self.scale_summary(first(), "bytes_per_ant_usable", 1.5)
        p = self.compare()
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn(f"colony-{first()}-jemalloc_copy.csv: holds colony/{first()}/jemalloc", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

    def test_same_run_no_change(self):
        p = self.compare()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("0 regression(s)", p.stdout)
        self.assertNotIn("changed", p.stdout)

    def test_allocated_regression_past_threshold(self):
        self.scale_summary(last(), "bytes_per_ant_allocated", 1.03)
        p = self.compare()
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertRegex(p.stdout, rf"REGRESSION colony/{last()}/jemalloc n=3000 bytes_per_ant_allocated: .* \(\+3\.00 %")

    def test_deterministic_figures_have_no_tolerance(self):
        self.scale_summary(first(), "bytes_per_ant_requested", 1.0001)
        p = self.compare()
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn(f"REGRESSION colony/{first()}/jemalloc n=3000 bytes_per_ant_requested", p.stdout)
        self.assertIn("tolerance 0.000 B/ant: 0 %: deterministic", p.stdout)
        self.assertEqual(self.compare("--tolerance", "0.5").returncode, 0, "unless one is given")
        self.scale_summary(first(), "bytes_per_ant_requested", 0.99)
        p = self.compare()
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn(f"changed    colony/{first()}/jemalloc n=3000 bytes_per_ant_requested", p.stdout)

    def test_rss_tolerance_is_page_granular_or_a_percentage(self):
        # Both runs with one RSS in every repetition: no measured range, so
        # +1.3 B/ant is judged by the 2 pages over 3000 ants (2.731 B/ant) alone.
        base = os.path.join(self.tmp.name, "base")
        shutil.copytree(self.base, base)
        self.base = base
        layout = last()
        def one_rss(r):
            r["bytes_per_ant_rss"] = "40.000"
        self.edit_summary(layout, one_rss, base)
        self.edit_summary(layout, lambda r: r.update(bytes_per_ant_rss="41.300"))
        p = self.compare()
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("tolerance 2.731 B/ant: repetition range 0.000 B/ant (the larger of the two runs' "
                      "fresh processes) + 2 pages (2.731 B/ant)", p.stdout)
        p = self.compare("--rss-pages", "0")
        self.assertEqual(p.returncode, 1, p.stdout)
        p = self.compare("--rss-pages", "0", "--rss-tolerance", "5")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("+ 5 %)", p.stdout)

    def test_rss_tolerance_is_the_measured_variation(self):
        """The second of two repetitions 10 pages higher: the median (here
        the mean) moves by 5 pages, within the 10-page range the run itself
        shows, and passes, saying so. 10 pages higher in both: a regression."""
        page = 4096 / 3000
        def raise_rss(pages_by_rep):
            def edit(r):
                r["bytes_per_ant_rss"] = f"{float(r['bytes_per_ant_rss']) + pages_by_rep[r['repetition']] * page:.3f}"
            return edit
        self.edit_summary(last(), raise_rss({"1": 0, "2": 10}))
        p = self.compare()
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertRegex(p.stdout, rf"changed +colony/{last()}/jemalloc n=3000 bytes_per_ant_rss: .*tolerance "
                                   r"\d+\.\d+ B/ant: repetition range")
        self.edit_summary(last(), raise_rss({"1": 10, "2": 0}))  # now +10 pages in both
        p = self.compare()
        self.assertEqual(p.returncode, 1, p.stdout)

    def test_names_the_component_that_moved(self):
        """Three more table slots per dict ant: 8 bytes more requested,
        usable, active and RSS; the diff names table slack alone."""
        def eight_more(r):
            for c in ("table_slack", "requested", "usable", "allocated", "active", "rss"):
                r[f"bytes_per_ant_{c}"] = f"{float(r[f'bytes_per_ant_{c}']) + 8:.3f}"
        self.edit_summary(first(), eight_more)
        p = self.compare()
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn(f"REGRESSION colony/{first()}/jemalloc n=3000 bytes_per_ant_usable", p.stdout)
        self.assertIn("moved: table_slack +8.000\n", p.stdout)

    def test_two_machines(self):
        """Each run's results.json names its machine. Another machine (or the
        same one renamed) still gates RSS where what RSS depends on agrees
        (kernel, page size, THP, libc, allocator); where the kernel differs,
        RSS is listed but not counted, and usable bytes gate as always."""
        base = os.path.join(self.tmp.name, "base")
        shutil.copytree(self.base, base)
        self.base = base
        for folder, machine in ((base, "alpha-1"), (self.new, "beta-2")):
            subprocess.run([sys.executable, script("results_json.py"), folder], check=True)
            with open(os.path.join(folder, "results.json")) as f:
                doc = json.load(f)
            doc["run"]["machine_id"] = machine
            with open(os.path.join(folder, "results.json"), "w") as f:
                json.dump(doc, f)
        self.scale_summary(last(), "bytes_per_ant_rss", 2.0)
        p = self.compare()
        self.assertEqual(p.returncode, 1, "a host name does not turn the RSS gate off: " + p.stdout)
        self.assertIn("machine alpha-1", p.stdout)
        self.assertIn("machine beta-2", p.stdout)
        self.assertIn(f"REGRESSION colony/{last()}/jemalloc n=3000 bytes_per_ant_rss", p.stdout)
        self.assertIn(f"\n  REGRESSION colony/{last()}/jemalloc n=3000 bytes_per_ant_rss", p.stdout,
                      "repeated in the summary")
        sidecar = os.path.join(self.new, "summary", f"colony-{last()}-jemalloc.json")
        with open(sidecar) as f:
            meta = json.load(f)
        meta["kernel"] = "Linux 9.9.9 x86_64"
        with open(sidecar, "w") as f:
            json.dump(meta, f)
        p = self.compare()
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("RSS environment differs (kernel", p.stdout)
        self.scale_summary(last(), "bytes_per_ant_usable", 1.01)
        p = self.compare()
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn(f"REGRESSION colony/{last()}/jemalloc n=3000 bytes_per_ant_usable", p.stdout)

    def test_missing_layout_or_benchmark_fails_the_gate(self):
        """A summary or a Google Benchmark file missing from the new run is a
        regression, named; a figure only the new run has is listed."""
        os.remove(os.path.join(self.new, "summary", f"colony-{last()}-glibc.csv"))
        p = self.compare()
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn(f"REGRESSION colony/{last()}/glibc n=3000 bytes_per_ant_requested: missing from the new run",
                      p.stdout)
        os.remove(os.path.join(self.new, "gbench.json"))
        p = self.compare()
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertRegex(p.stdout, r"REGRESSION \S+ allocator_bytes_per_ant: missing from the new run")
        p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "compare.py"), "--no-time",
                            self.new, self.base], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("(not in the baseline)", p.stdout)

    def test_damaged_figures_are_bad_input_not_a_pass(self):
        """nan, a negative figure, an empty always-measured cell, a summary cut
        inside its last field, a tolerance of nan: one line, exit 2."""
        cases = [("bytes_per_ant_rss", "nan", "bytes_per_ant_rss: 'nan' is not a finite, non-negative number"),
                 ("bytes_per_ant_usable", "-3.0", "bytes_per_ant_usable: '-3.0' is not a finite"),
                 ("bytes_per_ant_rss", "", "bytes_per_ant_rss: empty, but every run measures it")]
        for column, value, words in cases:
            with self.subTest(column=column, value=value):
                self.edit_summary(last(), lambda r: r.update({column: value}))
                p = self.compare()
                self.assertEqual(p.returncode, 2, p.stdout)
                self.assertIn(words, p.stderr)
                self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
                shutil.rmtree(self.new)
                shutil.copytree(self.base, self.new)
        path = os.path.join(self.new, "summary", f"colony-{last()}-jemalloc.csv")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text[:-5])
        p = self.compare()
        self.assertEqual(p.returncode, 2, p.stdout)
        self.assertIn("cut short", p.stderr)
        p = self.compare("--tolerance", "nan")
        self.assertEqual(p.returncode, 2)
        self.assertIn("'nan' is not a finite, non-negative number", p.stderr)

    def test_improvement_is_not_a_regression(self):
        self.scale_summary(first(), "bytes_per_ant_allocated", 0.5)
        p = self.compare()
        self.assertEqual(p.returncode, 0)
        self.assertIn("-50.00 %", p.stdout)

    def test_gbench_memory_regression(self):
        path = os.path.join(self.new, "gbench.json")
        with open(path) as f:
            doc = json.load(f)
        for b in doc["benchmarks"]:
            if b["run_name"] == f"build/{last()}/1000" and "allocator_bytes_per_ant" in b:
                b["allocator_bytes_per_ant"] *= 1.10
        with open(path, "w") as f:
            json.dump(doc, f)
        p = self.compare()
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn(f"REGRESSION build/{last()}/1000 allocator_bytes_per_ant", p.stdout)

    @unittest.skipUnless(os.path.exists("/usr/share/benchmark/compare.py"), "libbenchmark-tools absent")
    def test_time_through_google_benchmark_compare(self):
        p = subprocess.run([sys.executable, script("compare.py"), self.base, self.new],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Google Benchmark's compare.py", p.stdout)
        self.assertIn(f"build/{last()}/1000", p.stdout.split("compare.py")[-1])

    def test_an_empty_required_cell_is_bad_input(self):
        """usable or requested bytes left empty by damage (the C driver
        measures them in every run): exit 2 naming the file and column, from
        compare.py and report.py alike, never a traceback (exit 1 would read
        as a regression), in every row or in one."""
        for rows in ("all", "one"):
            for column in ("bytes_per_ant_usable", "bytes_per_ant_requested"):
                with self.subTest(rows=rows, column=column):
                    shutil.rmtree(self.new)
                    shutil.copytree(self.base, self.new)
                    seen = []

                    def blank(r):
                        if rows == "all" or not seen:
                            r[column] = ""
                        seen.append(r)
                    self.edit_summary(first(), blank)
                    for tool, args in (("compare.py", ["--no-time", self.base, self.new]),
                                       ("report.py", [self.new, "--check-only"])):
                        p = subprocess.run([sys.executable, script(tool), *args], capture_output=True, text=True)
                        self.assertEqual(p.returncode, 2 if tool == "compare.py" else 1, p.stderr)
                        self.assertNotIn("Traceback", p.stderr)
                        self.assertIn(f"colony-{first()}-jemalloc.csv:2: {column}: empty", p.stderr)

    def test_bad_input(self):
        p = subprocess.run([sys.executable, script("compare.py"), self.base, "/nonexistent"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("/nonexistent: no such results folder", p.stderr)


class CrosscheckArguments(unittest.TestCase):
    def test_unknown_layout_refused_before_any_tool(self):
        build = BUILD
        if not os.access(os.path.join(build, "bench", "antmem-glibc"), os.X_OK):
            self.skipTest(f"{build}: not built")
        p = subprocess.run([sys.executable, script("crosscheck.py"), "--build", build, "--layout", "olas",
                            "--n", "100"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, "crosscheck.py: --layout: unknown layout 'olas' for scenario colony (see --list)\n")

    def test_out_that_is_a_file_refused_before_any_tool(self):
        build = BUILD
        if not os.access(os.path.join(build, "bench", "antmem-glibc"), os.X_OK):
            self.skipTest(f"{build}: not built")
        with tempfile.NamedTemporaryFile() as f:
            start = time.time()
            p = subprocess.run([sys.executable, script("crosscheck.py"), "--build", build, "--layout", "soa",
                                "--n", "100", "--out", f.name], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2)
            self.assertEqual(p.stderr, f"crosscheck.py: {f.name}: not a writable folder\n")
            self.assertLess(time.time() - start, 5, "no tool ran first")


class SaveBaselineArguments(unittest.TestCase):
    def test_empty_or_extra_arguments_refused(self):
        for tool in ("save-baseline", "plot-all"):
            for args, words in (([""], "the results folder is empty text"), (["a", "b"], "one results folder at most")):
                with self.subTest(tool=tool, args=args):
                    p = subprocess.run([script(tool), *args], capture_output=True, text=True)
                    self.assertEqual(p.returncode, 2)
                    self.assertEqual(p.stderr, f"{tool}: {words}" + (" (see --help)" if len(args) > 1 else "") + "\n")


class SwapIn(unittest.TestCase):
    """scripts/swap-in, how run-all publishes and save-baseline saves: the
    new folder takes the old one's place whole, the old one is gone, and a
    failed swap leaves the old one as it was."""

    def test_replaces_whole_and_leaves_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            old, new = os.path.join(tmp, "results"), os.path.join(tmp, ".results.new")
            os.makedirs(os.path.join(old, "summary"))
            os.makedirs(os.path.join(new, "curves"))
            for path, text in ((os.path.join(old, "summary", "a.csv"), "old"),
                               (os.path.join(new, "curves", "b.csv"), "new")):
                with open(path, "w") as f:
                    f.write(text)
            p = subprocess.run([script("swap-in"), new, old], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(sorted(os.listdir(tmp)), ["results"])
            self.assertEqual(os.listdir(old), ["curves"])

    def test_same_nested_or_linked_folders_are_refused(self):
        """swap-in A A used to exit 0 and delete A; NEW inside DEST renamed
        DEST away; a link as DEST was replaced by the folder."""
        with tempfile.TemporaryDirectory() as tmp:
            a, inner, other = os.path.join(tmp, "a"), os.path.join(tmp, "a", "x"), os.path.join(tmp, "b")
            os.makedirs(inner)
            os.makedirs(other)
            link = os.path.join(tmp, "link")
            os.symlink(other, link)
            for new, dest, words in ((a, a, "the same folder, or one inside the other"),
                                     (inner, a, "the same folder, or one inside the other"),
                                     (a, inner, "the same folder, or one inside the other"),
                                     (other, link, "not a folder (a link or a file)")):
                with self.subTest(new=new, dest=dest):
                    p = subprocess.run([script("swap-in"), new, dest], capture_output=True, text=True)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertIn(words, p.stderr)
                    self.assertTrue(os.path.isdir(inner) and os.path.islink(link), "nothing moved")

    def test_missing_new_folder_changes_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            old = os.path.join(tmp, "results")
            os.makedirs(old)
            p = subprocess.run([script("swap-in"), os.path.join(tmp, "nope"), old], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2)
            self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
            self.assertTrue(os.path.isdir(old))


class CheckResults(FixtureCopy):
    """scripts/check-results: one run's files, whole, and nothing else."""

    def write_manifest(self):
        subprocess.run([sys.executable, script("check-results"), "--write", self.res, "--run", "test"], check=True)

    def check(self):
        return subprocess.run([sys.executable, script("check-results"), self.res], capture_output=True, text=True)

    def test_a_linked_folder_is_not_passed_over(self):
        self.write_manifest()
        self.assertEqual(self.check().returncode, 0, self.check().stderr)
        elsewhere = tempfile.mkdtemp(dir=self.tmp.name)
        open(os.path.join(elsewhere, "planted.csv"), "w").close()
        os.symlink(elsewhere, os.path.join(self.res, "extra"))
        p = self.check()
        self.assertEqual(p.returncode, 1)
        self.assertIn("extra: a symbolic link", p.stderr)

    def test_a_summary_of_another_n_is_refused(self):
        path = os.path.join(self.res, "summary", f"colony-{first()}-jemalloc.csv")
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        for r in rows:
            r["n"] = str(int(r["n"]) * 100)
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        self.write_manifest()  # certified, and still refused: it is not the run's N
        p = self.check()
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, rf"colony-{first()}-jemalloc.csv: N = \d+, not the run's \d+")


class PathWithASpace(unittest.TestCase):
    def test_a_checkout_whose_path_has_a_space_is_refused_up_front(self):
        """run-all hands paths to gnuplot's scripts, which pass them to a
        shell: a checkout under ".../my dir/" is refused in one line before
        any work, instead of failing at the charts."""
        with tempfile.TemporaryDirectory() as tmp:
            checkout = os.path.join(tmp, "my dir", "antmem")
            shutil.copytree(os.path.join(ROOT, "scripts"), os.path.join(checkout, "scripts"),
                            ignore=shutil.ignore_patterns("__pycache__"))
            p = subprocess.run([os.path.join(checkout, "scripts", "run-all"), "-b", BUILD, "-q"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
            self.assertIn("my\\ dir", p.stderr)
            self.assertIn("can be in the results or checkout path", p.stderr)
            self.assertFalse(os.path.exists(os.path.join(checkout, "build")), "nothing made")


class MissingDependencies(unittest.TestCase):
    """meson setup names the Debian package of a missing library."""

    def setup_with(self, pc_files):
        with tempfile.TemporaryDirectory() as tmp:
            pcdir = os.path.join(tmp, "pc")
            os.mkdir(pcdir)
            for name in pc_files:
                for d in ("/usr/lib/x86_64-linux-gnu/pkgconfig", "/usr/lib/pkgconfig", "/usr/share/pkgconfig"):
                    if os.path.exists(os.path.join(d, name)):
                        shutil.copy(os.path.join(d, name), pcdir)
            env = dict(os.environ, PKG_CONFIG_LIBDIR=pcdir, PKG_CONFIG_PATH="")
            return subprocess.run(["meson", "setup", os.path.join(tmp, "build"), ROOT],
                                  capture_output=True, text=True, env=env)

    @unittest.skipUnless(shutil.which("meson"), "meson not installed")
    def test_without_jemalloc(self):
        p = self.setup_with([])
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("jemalloc not found: apt-get install libjemalloc-dev", p.stdout + p.stderr)

    @unittest.skipUnless(shutil.which("meson"), "meson not installed")
    def test_without_google_benchmark(self):
        p = self.setup_with(["jemalloc.pc"])
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("Google Benchmark not found: apt-get install libbenchmark-dev", p.stdout + p.stderr)


class RunAllLock(unittest.TestCase):
    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"), "needs root to act as another user")
    def test_planted_lock_link_is_not_followed(self):
        """run-all's lock lies beside the results folder, where others may
        write (/tmp): a link planted there by another user is refused."""
        with tempfile.TemporaryDirectory() as d:
            victim = os.path.join(d, "victim")
            with open(victim, "w") as f:
                f.write("root's own\n")
            os.chmod(victim, 0o600)
            os.chmod(d, 0o777)  # writable by all, not sticky: the kernel's protected_symlinks is no help
            subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                            "ln", "-s", victim, os.path.join(d, ".x.run-all.lock")], check=True)
            p = subprocess.run([script("run-all"), "-b", BUILD, "-o", os.path.join(d, "x")],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("not a file of ours", p.stderr)
            with open(victim) as f:
                self.assertEqual(f.read(), "root's own\n", "the planted link was followed")


class RunAllArguments(unittest.TestCase):
    def test_bad_arguments(self):
        for args, words in ((["-n", "abc"], "'abc' is not a positive integer"),
                            (["-r", "0"], "'0' is not a positive integer"),
                            (["extra"], "unexpected argument 'extra'"),
                            (["-n", "9999999999"], "'9999999999' is too large (at most 2147483647"),
                            (["-o", "/proc/self/nope"], "cannot create the results folder")):
            with self.subTest(args=args):
                p = subprocess.run([script("run-all"), *args], capture_output=True, text=True)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(words, p.stderr)

    def test_each_refusal_names_its_option(self):
        for args, words in ((["-n", "abc"], "run-all: --n: 'abc' is not a positive integer"),
                            (["-r", "0"], "run-all: --reps: '0' is not a positive integer"),
                            (["--stride=x"], "run-all: --stride: 'x' is not a positive integer")):
            with self.subTest(args=args):
                p = subprocess.run([script("run-all"), *args], capture_output=True, text=True)
                self.assertEqual((p.returncode, p.stderr.strip()), (2, words))

    def test_plot_all_on_a_missing_folder_says_so(self):
        p = subprocess.run([script("plot-all"), "/nonexistent-results"], capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stderr), (1, "plot-all: /nonexistent-results: no such results folder\n"))

    def test_bad_records_are_refused_before_any_work(self):
        """--record: a missing file, a bad one (its line named), or one that is
        not built into the drivers: one line, exit 2, nothing made."""
        if not os.access(os.path.join(BUILD, "bench", "antmem"), os.X_OK):
            self.skipTest(f"{BUILD}: not built")
        with tempfile.TemporaryDirectory() as tmp:
            bad, unbuilt = os.path.join(tmp, "bad.toml"), os.path.join(tmp, "mine.toml")
            with open(bad, "w") as f:
                f.write('name = "bad"\nn = 10\n')
            with open(unbuilt, "w") as f:
                f.write('name = "mine"\nn = 10\n[[field]]\nname = "a"\ntype = "u8"\n')
            out = os.path.join(tmp, "results")
            for record, words in ((os.path.join(tmp, "nope.toml"), "no such record file"),
                                  (bad, f"{bad}:1: a record of no fields"),
                                  (unbuilt, "record 'mine' is not built: add its name to records/meson.build")):
                with self.subTest(record=record):
                    p = subprocess.run([script("run-all"), "-b", BUILD, "-o", out, "--record", record, "-q"],
                                       capture_output=True, text=True, timeout=60)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
                    self.assertIn(words, p.stderr)
                    self.assertEqual(os.listdir(out) if os.path.isdir(out) else [], [])

    def test_help(self):
        p = subprocess.run([script("run-all"), "-h"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn("-n N", p.stdout)

    def test_long_options_and_their_refusals(self):
        for args, words in ((["--n", "abc"], "'abc' is not a positive integer"),
                            (["--n=0"], "'0' is not a positive integer"),
                            (["--reps"], "--reps: missing value"),
                            (["--bogus"], "unknown option '--bogus'"),
                            (["--quick=1"], "--quick takes no value"),
                            (["--quick", "--publish"], "not citable: not with --publish"),
                            (["--publish", "-o", "/tmp/elsewhere"], "--publish writes results/")):
            with self.subTest(args=args):
                p = subprocess.run([script("run-all"), *args], capture_output=True, text=True)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(words, p.stderr)
                self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)


class ToolConventions(unittest.TestCase):
    """Every tool answers --help and --version the same way: exit 0, the
    version line "<tool> <commit>" (README: Command-line conventions)."""
    TOOLS = ["run-all", "plot-all", "save-baseline", "check-results", "swap-in", "build", "run-tests",
             "install-deps", "fuzz", "report.py", "compare.py", "claims.py", "dataset_report.py",
             "crosscheck.py", "model.py", "history.py", "results_json.py", "overhead.py",
             "gate_false_alarms.py", "reference/colony.py", "reference/datasets.py",
             "reference/interpreters.py", "reference/mprof_colony.py"]

    def run_tool(self, tool, flag):
        cmd = [sys.executable, script(tool)] if tool.endswith(".py") else [script(tool)]
        return subprocess.run(cmd + [flag], capture_output=True, text=True, timeout=60)

    def test_help_and_version(self):
        for tool in self.TOOLS:
            with self.subTest(tool=tool):
                p = self.run_tool(tool, "--help")
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("usage", p.stdout.lower())
                self.assertEqual(p.stdout.lower().count("usage:"), 1, "one usage block")
                p = self.run_tool(tool, "--version")
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertRegex(p.stdout, rf"^{os.path.basename(tool)} [0-9a-f]{{7,}}(-dirty)?\n$")


class HistoryFixture(FixtureCopy):
    """The fixture filed as history entries."""

    def tool(self, name, *args):
        return subprocess.run([sys.executable, script(name), *args], capture_output=True, text=True)

    def entry(self, machine, commit, date, scale=1.0):
        """The fixture as a results.json filed under machine/commit, its
        usable bytes scaled (a commit that changed a layout)."""
        p = self.tool("results_json.py", self.res, "--command", "test")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.res, "results.json")) as f:
            doc = json.load(f)
        doc["run"].update(machine_id=machine, commit=commit, date_utc=date)
        for f in doc["figures"]:
            if f["metric"] == "bytes_per_ant_usable" and f["layout"] == first():
                for k in ("median", "min", "max"):
                    f[k] *= scale
        folder = os.path.join(self.tmp.name, "in", machine)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "results.json"), "w") as f:
            json.dump(doc, f)
        return folder


class History(HistoryFixture):
    """results_json.py and history.py over two machines and two commits."""

    def test_results_json_schema(self):
        p = self.tool("results_json.py", self.res)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.res, "results.json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["schema"], "antmem-results/1")
        figs = {(f["layout"], f["allocator"], f["metric"]): f for f in doc["figures"] if f["scenario"] == "colony"}
        usable = figs[(first(), "jemalloc", "bytes_per_ant_usable")]
        self.assertFalse(usable["machine_dependent"])
        self.assertTrue(figs[(first(), "jemalloc", "bytes_per_ant_rss")]["machine_dependent"])
        self.assertTrue(figs[(first(), "jemalloc", "ns_per_ant")]["machine_dependent"])
        self.assertEqual(usable["reps"], 2)
        self.assertEqual({f["unit"] for f in doc["figures"] if f["scenario"] == "chunked"}, {"chunk"})

    def test_two_machines_two_commits(self):
        history = os.path.join(self.tmp.name, "history")
        for machine, commit, date, scale in (("alpha-1", "aaaaaaaaaaaa", "2026-01-01T00:00:00Z", 1.0),
                                             ("beta-2", "aaaaaaaaaaaa", "2026-01-01T01:00:00Z", 1.0),
                                             ("alpha-1", "bbbbbbbbbbbb", "2026-01-02T00:00:00Z", 1.1)):
            p = self.tool("history.py", "record", self.entry(machine, commit, date, scale), "--history", history)
            self.assertEqual(p.returncode, 0, p.stderr)
        p = self.tool("history.py", "list", "--history", history)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.strip().splitlines()), 4, p.stdout)
        p = self.tool("history.py", "steps", "--history", history)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"alpha-1 bbbbbbbbbbbb: colony/{first()}/jemalloc n=3000 bytes_per_ant_usable", p.stdout)
        self.assertIn("exact figure changed", p.stdout)
        self.assertNotIn("beta-2", p.stdout, "one entry on beta: nothing to step from")
        if shutil.which("gnuplot"):
            out = os.path.join(self.tmp.name, "report")
            p = self.tool("history.py", "report", "--history", history, "--out", out)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "HISTORY.md")) as f:
                text = f.read()
            for words in ("alpha-1", "beta-2", "`aaaaaaaaaaaa`", "`bbbbbbbbbbbb`",
                          "depends on the machine", "exact on any machine"):
                self.assertIn(words, text)
            with open(os.path.join(out, "history-bytes_per_ant_usable.png"), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")

    def test_no_history(self):
        p = self.tool("history.py", "list", "--history", os.path.join(self.tmp.name, "none"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("no history", p.stderr)


class HistoryEntries(HistoryFixture):
    """history.py refuses, by name and in one line, what a gathered history
    may hold: malformed, future-dated, --quick or misfiled entries, and a
    second record of a commit; without gnuplot, report says which package."""

    def filed(self, edit=None, machine="alpha-1", commit="aaaaaaaaaaaa"):
        history = os.path.join(self.tmp.name, "history")
        folder = self.entry(machine, commit, "2026-01-01T00:00:00Z")
        if edit:
            path = os.path.join(folder, "results.json")
            with open(path) as f:
                doc = json.load(f)
            edit(doc)
            with open(path, "w") as f:
                json.dump(doc, f)
        return history, folder

    def refused(self, p, words):
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn(words, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertNotIn("Traceback", p.stderr)

    def test_malformed_entries_are_refused_by_name(self):
        cases = [(lambda d: d.pop("figures"), "no 'run' object or 'figures' list"),
                 (lambda d: d["run"].pop("commit"), "run.commit: missing or not text"),
                 (lambda d: d["figures"][0].update(median="lots"), "figures[0].median: 'lots'"),
                 (lambda d: d["figures"][1].pop("layout"), "figures[1].layout: missing"),
                 (lambda d: d["run"].update(date_utc="2999-01-01T00:00:00Z"), "in the future"),
                 (lambda d: d["run"].update(command="scripts/run-all --quick"), "a --quick run")]
        for edit, words in cases:
            with self.subTest(words=words):
                history, folder = self.filed(edit)
                self.refused(self.tool("history.py", "record", folder, "--history", history), words)
                shutil.rmtree(history, ignore_errors=True)

    def test_misfiled_entry_and_second_record(self):
        history, folder = self.filed()
        self.assertEqual(self.tool("history.py", "record", folder, "--history", history).returncode, 0)
        self.refused(self.tool("history.py", "record", folder, "--history", history),
                     "exists: not replaced (--replace to replace it)")
        self.assertEqual(self.tool("history.py", "record", folder, "--history", history,
                                   "--replace").returncode, 0)
        shutil.copy(os.path.join(history, "alpha-1", "aaaaaaaaaaaa.json"),
                    os.path.join(history, "alpha-1", "bbbbbbbbbbbb.json"))
        self.refused(self.tool("history.py", "list", "--history", history), "not of this folder and name")

    def test_report_without_gnuplot_names_the_package(self):
        history, folder = self.filed()
        self.assertEqual(self.tool("history.py", "record", folder, "--history", history).returncode, 0)
        empty = os.path.join(self.tmp.name, "bin")  # a PATH with no gnuplot (python runs by its full path)
        os.mkdir(empty)
        env = dict(os.environ, PATH=empty)
        p = subprocess.run([sys.executable, script("history.py"), "report", "--history", history,
                            "--out", os.path.join(self.tmp.name, "o")], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(p.stderr.strip(), "history.py: gnuplot not found: apt-get install gnuplot-nox")


# A name that would run as gnuplot code (and, through its awk pipes, as shell)
# if pasted into a script: each tool must refuse it, and the command not run.
def hostile(mark):
    return f"evil' . system('touch {mark}') . '"


class NamesAreData(HistoryFixture):
    """Names and paths are data, never code: a hostile machine folder, commit,
    layout cell or results path is refused by name; nothing runs, nothing is
    written outside the history."""

    def assert_not_run(self, p, mark, words):
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn(words, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertFalse(os.path.exists(mark), "the planted command ran")

    def test_hostile_machine_folder_in_a_history(self):
        history = os.path.join(self.tmp.name, "history")
        p = self.tool("history.py", "record", self.entry("alpha-1", "aaaaaaaaaaaa", "2026-01-01T00:00:00Z"),
                      "--history", history)
        self.assertEqual(p.returncode, 0, p.stderr)
        mark = os.path.join(self.tmp.name, "PWNED")
        shutil.copytree(os.path.join(history, "alpha-1"), os.path.join(history, hostile(mark)))
        p = self.tool("history.py", "report", "--history", history, "--out", os.path.join(self.tmp.name, "o"))
        self.assert_not_run(p, mark, "machine folder")

    def test_commit_that_climbs_out_of_the_history(self):
        history = os.path.join(self.tmp.name, "history")
        p = self.tool("history.py", "record", self.entry("alpha-1", "../../TRAV", "2026-01-01T00:00:00Z"),
                      "--history", history)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("commit '../../TRAV'", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "TRAV.json")))
        self.assertFalse(os.path.exists(os.path.join(history, "alpha-1")), "nothing filed")

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot not installed")
    def test_hostile_layout_cell_and_results_path_for_plot_all(self):
        self.assertEqual(subprocess.run([sys.executable, script("report.py"), self.res],
                                        capture_output=True).returncode, 0)
        mark = os.path.join(self.tmp.name, "PWNED")
        data = os.path.join(self.res, "colony-bytes-per-ant.csv")
        with open(data) as f:
            lines = f.read().splitlines()
        lines[1] = hostile(mark) + lines[1][lines[1].index(","):]
        with open(data, "w") as f:
            f.write("\n".join(lines) + "\n")
        p = subprocess.run([script("plot-all"), self.res], capture_output=True, text=True)
        self.assert_not_run(p, mark, "plot-all: layout")
        odd = os.path.join(self.tmp.name, hostile(mark))
        shutil.copytree(self.res, odd)
        p = subprocess.run([script("plot-all"), odd], capture_output=True, text=True)
        self.assert_not_run(p, mark, "plot-all: results folder")

    def test_hostile_out_for_run_all(self):
        mark = os.path.join(self.tmp.name, "PWNED")
        for out in (os.path.join(self.tmp.name, hostile(mark)), os.path.join(self.tmp.name, "my results")):
            p = subprocess.run([script("run-all"), "-b", BUILD, "-o", out], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assert_not_run(p, mark, "can be in the results or checkout path")
            self.assertFalse(os.path.exists(out), "refused before anything was made")


if __name__ == "__main__":
    ROOT = os.path.abspath(sys.argv.pop(1))
    # the build folder, when meson passes it (for the tests that run a binary)
    BUILD = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 and os.path.isdir(sys.argv[1]) else \
        os.path.join(ROOT, "build")
    unittest.main(verbosity=2)
