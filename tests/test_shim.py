#!/usr/bin/env python3
"""Tests of the Google Benchmark C shim through tests/shim_fixture.c: its
benchmarks run, counters appear in the JSON under the expected names with
their flags applied, skip-with-error yields an error entry (and a non-zero
exit), ranges expand as Google Benchmark's do, flags pass through, and the
output file appears whole or not at all.

usage: test_shim.py path/to/shim_fixture"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

FIXTURE = None


def run(*args):
    return subprocess.run([FIXTURE, *args], capture_output=True, text=True)


class Shim(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "out.json")
        cls.proc = run(f"--benchmark_out={cls.out}", "--benchmark_out_format=json")
        with open(cls.out) as f:
            cls.json = json.load(f)
        cls.by_name = {b["name"]: b for b in cls.json["benchmarks"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_exit_status_reports_the_error(self):
        self.assertEqual(self.proc.returncode, 1, "a benchmark skipped with an error fails the run")
        self.assertEqual(os.listdir(self.tmp.name), ["out.json"], "no temporary left")

    def test_context_block(self):
        for key in ("date", "num_cpus", "library_build_type", "executable"):
            self.assertIn(key, self.json["context"])

    def test_counters(self):
        b = self.by_name["shim/counters/7/iterations:50"]
        self.assertEqual(b["iterations"], 50)
        self.assertEqual(b["plain"], 42.0)
        self.assertAlmostEqual(b["per_iteration"], 3.0)
        self.assertAlmostEqual(b["invariant"], 100.0, msg="multiplied by 50 iterations")
        self.assertAlmostEqual(b["inverted"], 0.25)
        self.assertGreater(b["rate"], 1000.0, "a rate is divided by the (short) elapsed time")
        self.assertIn("items_per_second", b)
        self.assertIn("bytes_per_second", b)
        self.assertEqual(b["label"], "from C")

    def test_skip_with_error(self):
        b = self.by_name["shim/fails/1/iterations:10"]
        self.assertTrue(b["error_occurred"])
        self.assertEqual(b["error_message"], "deliberate failure from C")

    def test_ranges_expand(self):
        names = [b["name"] for b in self.json["benchmarks"]]
        self.assertEqual([n for n in names if n.startswith("shim/range/")],
                         [f"shim/range/{n}/iterations:5" for n in (1, 8, 64, 512)])
        self.assertEqual([n for n in names if n.startswith("shim/dense/")],
                         [f"shim/dense/n:{n}/iterations:5" for n in (0, 3, 6)])
        unit = self.by_name["shim/unit/iterations:5/real_time"]
        self.assertEqual(unit["time_unit"], "us")

    def test_filter_and_repetitions_pass_through(self):
        out = os.path.join(self.tmp.name, "filtered.json")
        p = run("--benchmark_filter=shim/range/64/", "--benchmark_repetitions=3",
                f"--benchmark_out={out}", "--benchmark_out_format=json")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            entries = json.load(f)["benchmarks"]
        runs = [b for b in entries if b["run_type"] == "iteration"]
        aggregates = {b["aggregate_name"] for b in entries if b["run_type"] == "aggregate"}
        self.assertEqual(len(runs), 3)
        self.assertTrue({"mean", "median", "stddev"} <= aggregates)
        os.unlink(out)

    def test_no_match_writes_nothing(self):
        out = os.path.join(self.tmp.name, "none.json")
        p = run("--benchmark_filter=nothing-matches", f"--benchmark_out={out}")
        self.assertEqual(p.returncode, 1)
        self.assertIn("not written", p.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertEqual(sorted(os.listdir(self.tmp.name)), ["out.json"])

    def test_unknown_flag(self):
        p = run("--benchmark_bogus=1")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown argument '--benchmark_bogus=1'", p.stderr)


if __name__ == "__main__":
    FIXTURE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
