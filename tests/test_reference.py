#!/usr/bin/env python3
"""End-to-end tests of the Python peers (scripts/reference/) and of
scripts/claims.py: the article's code measured in antmem's schema, exact
bytes read, the skips that name their package, and bad input refused on one
line. Runs with whatever interpreter meson found; the measured code runs
under /usr/bin/python3 (Debian's, where python3-pandas installs).

usage: test_reference.py path/to/antmem-mnist-gen
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from antmem_results import CURVE_COLUMNS, SUMMARY_COLUMNS  # noqa: E402

GEN = None
PYTHON = "/usr/bin/python3"
HAS_PANDAS = subprocess.run([PYTHON, "-c", "import pandas"], capture_output=True).returncode == 0
HAS_MPROF = shutil.which("python3-mprof") is not None


def script(*parts):
    return os.path.join(ROOT, "scripts", *parts)


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class Peer(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name
        self.data = os.path.join(self.out, "mnist.csv")
        subprocess.run([GEN, "--rows", "600", "--out", self.data], check=True)

    def tearDown(self):
        self.tmp.cleanup()

    def summary(self, name):
        return read_csv(os.path.join(self.out, "summary", f"{name}.csv"))

    def curve(self, row):
        return read_csv(os.path.join(self.out, row["curve_file"]))

    def test_colony_in_the_suites_schema(self):
        p = run(script("reference", "colony.py"), "--n", "3000", "--reps", "1", "--out", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        for layout in ("py_dict", "py_slots"):
            with open(os.path.join(self.out, "summary", f"colony-{layout}-cpython.csv")) as f:
                self.assertEqual(f.readline().strip(), ",".join(SUMMARY_COLUMNS))
            row = self.summary(f"colony-{layout}-cpython")[0]
            self.assertGreater(float(row["bytes_per_ant_requested"]), 50, layout)
            self.assertEqual(row["bytes_per_ant_usable"], "", "not measured: empty")
            self.assertEqual(list(self.curve(row)[0]), CURVE_COLUMNS)

    @unittest.skipUnless(HAS_PANDAS, "python3-pandas not installed for /usr/bin/python3")
    def test_chunked_reads_exactly_the_file(self):
        p = run(script("reference", "datasets.py"), "--scenario", "chunked", "--data", self.data,
                "--chunk-rows", "128", "--reps", "1", "--out", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        size = os.path.getsize(self.data)
        read = {}
        for variant in ("py_whole", "py_chunksize", "py_skiprows"):
            row = self.summary(f"chunked-{variant}-pandas")[0]
            self.assertEqual(row["n"], "5", f"{variant}: 600 rows in chunks of 128")
            self.assertEqual(row["complete"], "1")
            curve = self.curve(row)
            self.assertEqual([int(c["iteration"]) for c in curve][-1], 5)
            read[variant] = int(curve[-1]["bytes_read"])
        self.assertEqual(read["py_chunksize"], size, "one pass reads the file once, to the byte")
        self.assertEqual(read["py_whole"], size)
        self.assertGreater(read["py_skiprows"], 2 * size, "re-reading from the top for every chunk")
        with open(os.path.join(self.out, "summary", "chunked-py_whole-pandas.json")) as f:
            meta = json.load(f)
        self.assertGreater(meta["dataframe_bytes"], 600 * 785 * 8, "int64 columns")
        self.assertEqual(meta["allocator"], "pandas")

    @unittest.skipUnless(HAS_PANDAS, "python3-pandas not installed for /usr/bin/python3")
    def test_lazy_loads_at_first_access_only(self):
        p = run(script("reference", "datasets.py"), "--scenario", "lazy", "--data", self.data,
                "--n", "5", "--fraction", "20", "--reps", "1", "--out", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        size = os.path.getsize(self.data)
        lazy = self.curve(self.summary("lazy-py_lazy-pandas")[0])
        # processor 5 is the first (and only) one of five that processes
        self.assertEqual([(int(c["iteration"]), int(c["bytes_read"])) for c in lazy][-1], (5, size))
        self.assertTrue(all(int(c["bytes_read"]) == 0 for c in lazy if int(c["iteration"]) < 5))
        eager = self.curve(self.summary("lazy-py_eager-pandas")[0])
        self.assertEqual(int(eager[-1]["bytes_read"]), 5 * size, "every processor loads")

    def test_bad_input(self):
        cases = [
            (["--scenario", "chunked", "--data", self.data, "--layout", "py_btree"], "unknown chunked variant 'py_btree'"),
            (["--scenario", "lazy", "--data", os.path.join(self.out, "missing.csv")], "not a readable file"),
            (["--scenario", "lazy", "--data", self.data, "--fraction", "150"], "a percentage"),
            (["--scenario", "lazy", "--data", self.data, "--out", os.path.join(self.out, "nope")], "not a writable folder"),
        ]
        for args, words in cases:
            p = run(script("reference", "datasets.py"), "--out", self.out, *args)
            self.assertEqual(p.returncode, 2, args)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertIn(words, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.out, "summary")), "nothing written")

    def test_without_pandas_names_the_package(self):
        fake = os.path.join(self.out, "python-without-pandas")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\nexit 1\n")
        os.chmod(fake, 0o755)
        p = run(script("reference", "datasets.py"), "--scenario", "lazy", "--data", self.data,
                "--python", fake, "--out", self.out)
        self.assertEqual(p.returncode, 77)
        self.assertIn("apt-get install python3-pandas", p.stderr)

    @unittest.skipUnless(HAS_MPROF, "python3-memory-profiler not installed")
    def test_mprof_against_the_suites_curve(self):
        p = run(script("reference", "colony.py"), "--n", "20000", "--reps", "1", "--out", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run(script("reference", "mprof_colony.py"), "--n", "20000", "--interval", "0.01", "--out", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.out, "mprof-colony.json")) as f:
            m = json.load(f)
        self.assertGreaterEqual(m["mprof_samples"], 2)
        self.assertEqual(m["suite_reads"], 20001)
        rows = read_csv(os.path.join(self.out, "mprof-colony.csv"))
        self.assertEqual(sum(r["source"] == "mprof" for r in rows), m["mprof_samples"])
        self.assertEqual(sum(r["source"] == "suite" for r in rows), m["suite_curve_rows"])
        p = run(script("reference", "mprof_colony.py"), "--n", "999", "--out", self.out)
        self.assertEqual(p.returncode, 1, "a curve of another N is refused")
        self.assertIn("not --n 999", p.stderr)


class Claims(unittest.TestCase):
    """scripts/claims.py on a copy of the fixture (which has the pandas runs)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.res = os.path.join(self.tmp.name, "results")
        shutil.copytree(os.path.join(ROOT, "tests", "fixtures", "results"), self.res)
        self.assertEqual(run(script("dataset_report.py"), self.res, "--lazy-rows", "300").returncode, 0)

    def tearDown(self):
        self.tmp.cleanup()

    def test_claims_from_the_csvs(self):
        readme = os.path.join(self.tmp.name, "README.md")
        with open(readme, "w") as f:
            f.write("a\n<!-- claims-table:begin (scripts/claims.py writes this) -->\nold\n<!-- claims-table:end -->\nb\n")
        p = run(script("claims.py"), self.res, "--readme", readme)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("rows/s on the same 600-row file", p.stdout, "the performance figures are printed")
        with open(readme) as f:
            text = f.read()
        self.assertNotIn("\nold\n", text)
        self.assertIn("| with `cached_property`, nothing is loaded until the first access |", text)
        rows = read_csv(os.path.join(self.res, "claims.csv"))
        verdicts = {r["claim"][:40]: r["verdict"] for r in rows}
        self.assertEqual(verdicts["`__slots__` uses about half the memory"], "not measured",
                         "the fixture has no CPython colony run: said, not guessed")
        lazy = next(r for r in rows if "cached_property" in r["claim"])
        self.assertEqual(lazy["verdict"], "holds")
        sizes = read_csv(os.path.join(self.res, "chunked-by-size.csv"))
        naive = next(r for r in sizes if r["rows"] == "600" and r["variant"] == "py_skiprows")
        single = next(r for r in sizes if r["rows"] == "600" and r["variant"] == "py_chunksize")
        reread = next(r for r in rows if "skiprows" in r["claim"])
        self.assertIn(f"**{int(naive['bytes_read']) / int(single['bytes_read']):.1f}x**", reread["measured"])

    def test_readme_without_markers(self):
        readme = os.path.join(self.tmp.name, "README.md")
        with open(readme, "w") as f:
            f.write("no markers\n")
        p = run(script("claims.py"), self.res, "--readme", readme)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.strip(), f"claims.py: {readme}: claims-table markers not found")


if __name__ == "__main__":
    GEN = sys.argv.pop(1)
    unittest.main(verbosity=2)
