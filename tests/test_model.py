#!/usr/bin/env python3
"""The byte model (scripts/model.py over each layout's plan, layouts/plan.h)
against the driver's measurement, for every layout in the registry under
every allocator, at N = 1 (the per-colony constants are the whole figure),
1,000 (glibc's unsplit remainders show), 123,457 (no power of ten or two) and
1,100,000 (ids of 8 digits: 9 bytes, the 16-byte class):
  requested bytes      equal to the byte (final_requested_bytes)
  usable, jemalloc and mimalloc   equal to the summary's 3 decimals
  usable, glibc        between the prediction and the prediction plus its
                       bounded remainder term, and within 0.01 B/ant of it
                       wherever that bound is (N >= 123,457 here)
usage: test_model.py BUILD_DIR"""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import model  # noqa: E402

BUILD = None
SIZES = (1, 1000, 25000, 123457, 1100000)  # 25,000: aos's array is 786,432 B
DRIVERS = ("antmem", "antmem-glibc", "antmem-mimalloc")
DECIMALS = 0.0006  # the summary's per-ant cells carry 3 decimals


class Model(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.measured = {}
        for n in SIZES:
            out = os.path.join(cls.tmp.name, str(n))
            os.makedirs(out)
            for driver in DRIVERS:
                p = subprocess.run([os.path.join(BUILD, "bench", driver), "--n", str(n), "--reps", "1",
                                    "--curve-stride", str(max(1, n // 100)), "--out", out, "-q"],
                                   capture_output=True, text=True)
                if "malloc is not this allocator's" in p.stderr:
                    # a sanitizer or valgrind replaced malloc: nothing to measure
                    raise unittest.SkipTest(f"{driver}: malloc replaced (sanitizer build)")
                if p.returncode != 0:
                    raise RuntimeError(f"{driver} --n {n}: {p.stderr.strip()}")
            for name in os.listdir(os.path.join(out, "summary")):
                if name.endswith(".csv"):
                    with open(os.path.join(out, "summary", name), newline="") as f:
                        row = next(csv.DictReader(f))
                    cls.measured[(n, row["layout"], row["allocator"])] = row
        cls.predicted = {n: model.predict(BUILD, n) for n in SIZES}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def pairs(self):
        for n in SIZES:
            for layout, p in self.predicted[n].items():
                for allocator in model.ALLOCATORS:
                    yield n, layout, allocator, p, self.measured[(n, layout, allocator)]

    def test_every_layout_is_modelled_and_measured(self):
        layouts = {layout for (_, layout, _) in self.measured}
        for n in SIZES:
            self.assertEqual(set(self.predicted[n]), layouts, "the plan covers the registry")

    def test_requested_bytes_to_the_byte(self):
        for n, layout, allocator, p, m in self.pairs():
            with self.subTest(n=n, layout=layout, allocator=allocator):
                self.assertEqual(p["requested"], int(m["final_requested_bytes"]))

    def test_usable_bytes(self):
        for n, layout, allocator, p, m in self.pairs():
            with self.subTest(n=n, layout=layout, allocator=allocator):
                measured, predicted = float(m["bytes_per_ant_usable"]), p[allocator] / n
                slack = p["glibc_slack"] / n if allocator == "glibc" else 0.0
                low = p["glibc_low"] / n if allocator == "glibc" else 0.0
                self.assertGreaterEqual(measured, predicted - low - DECIMALS)
                self.assertLessEqual(measured, predicted + slack + DECIMALS,
                                     f"{measured} against {predicted:.4f} (+{slack:.4f} at most)")
                if slack <= 0.01:
                    self.assertLessEqual(abs(measured - predicted), 0.01 + DECIMALS)


class Rules(unittest.TestCase):
    def test_the_rounding_rules(self):
        # Each allocator's classes at their edges, as its sources define them.
        self.assertEqual([model.jemalloc(s) for s in (1, 8, 9, 24, 129, 160, 161, 14337, 4 << 20)],
                         [8, 8, 16, 32, 160, 160, 192, 16384, 4 << 20])
        self.assertEqual([model.glibc(s) for s in (1, 24, 25, 192, 131072)], [24, 24, 40, 200, 135152])
        # mimalloc 2.0.9's, measured here with mi_usable_size (a 786,432-B
        # array holds 1 MiB: the N = 25,000 aos array)
        self.assertEqual([model.mimalloc(s) for s in (24, 40, 131072, 131073, 600 << 10, 786432, 2097153,
                                                      9000000, 33554433)],
                         [32, 48, 131072, 196608, 1 << 20, 1 << 20, 2621440, 9437184, 37748736])


if __name__ == "__main__":
    BUILD = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
