#!/usr/bin/env python3
"""Your own record, measured: every example record's generated layouts run by
the driver under the three allocators at three N, and the byte model's
prediction (scripts/record_model.py, from the record file alone) is the
measurement: requested bytes to the byte, usable to the byte under jemalloc
and mimalloc, and under glibc within the model's bounds (glibc_slack above:
its unsplit remainders; glibc_low below: big arrays extended in the heap
rather than mapped). And records/ant.toml's
generated layouts hold exactly the bytes of the hand-written ones.

usage: test_record_runs.py SOURCE_ROOT BUILD_DIR"""
import csv
import glob
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = BUILD = None
DRIVERS = {"jemalloc": "antmem", "glibc": "antmem-glibc", "mimalloc": "antmem-mimalloc"}


def run(driver, out, *args):
    p = subprocess.run([os.path.join(BUILD, "bench", driver), "-q", "--reps", "1", "--out", out, *args],
                       capture_output=True, text=True)
    return p


def summaries(out):
    rows = {}
    for path in glob.glob(os.path.join(out, "summary", "*.csv")):
        with open(path, newline="") as f:
            r = next(csv.DictReader(f))
        rows[(r["scenario"], r["layout"], r["allocator"])] = r
    return rows


class PredictionIsMeasurement(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with tempfile.TemporaryDirectory() as out:
            probe = run("antmem", out, "--scenario", "ant", "--n", "1")
        if "malloc is not this allocator's" in probe.stderr:
            raise unittest.SkipTest("malloc replaced (sanitizer build): nothing to measure")

    def test_every_record_layout_and_allocator_at_three_n(self):
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import record
        import record_model
        records = sorted(glob.glob(os.path.join(ROOT, "records", "*.toml")))
        self.assertGreaterEqual(len(records), 4)
        for path in records:
            rec = record.load(path)
            for n in (1, 1000, 25000):
                predicted = record_model.predict(rec, n)
                with tempfile.TemporaryDirectory() as out:
                    for allocator, driver in DRIVERS.items():
                        p = run(driver, out, "--scenario", rec["name"], "--n", str(n))
                        self.assertEqual(p.returncode, 0, p.stderr)
                    measured = summaries(out)
                self.assertTrue(measured, "the driver wrote summaries")
                for (scenario, layout, allocator), r in sorted(measured.items()):
                    with self.subTest(record=rec["name"], n=n, layout=layout, allocator=allocator):
                        t = predicted[layout]
                        self.assertEqual(r["complete"], "1")
                        self.assertEqual(int(r["final_requested_bytes"]), t["requested"],
                                         "requested bytes, to the byte")
                        usable = float(r["bytes_per_ant_usable"]) * n
                        rounding = 0.0005 * n + 1e-9  # the summary's three decimals
                        above = t["glibc_slack"] if allocator == "glibc" else 0
                        below = t["glibc_low"] if allocator == "glibc" else 0
                        self.assertLessEqual(usable, t[allocator] + above + rounding, f"predicted {t[allocator]}")
                        self.assertGreaterEqual(usable, t[allocator] - below - rounding, f"predicted {t[allocator]}")

    def test_report_traces_to_the_summaries(self):
        """record_report.py: a row per record, layout and allocator in
        records.csv, its measured figures the summaries' medians, and
        RECORDS.md with a section per record; charts' data beside."""
        names = [os.path.basename(p)[:-5] for p in glob.glob(os.path.join(ROOT, "records", "*.toml"))]
        with tempfile.TemporaryDirectory() as out:
            for name in names:
                for driver in DRIVERS.values():
                    self.assertEqual(run(driver, out, "--scenario", name, "--n", "3000").returncode, 0)
            p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "record_report.py"), out],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "records.csv"), newline="") as f:
                rows = list(csv.DictReader(f))
            measured = summaries(out)
            self.assertEqual(len(rows), len(measured))
            for r in rows:
                m = measured[(r["record"], r["layout"], r["allocator"])]
                self.assertAlmostEqual(float(r["measured_usable_per_record"]), float(m["bytes_per_ant_usable"]), 3)
            with open(os.path.join(out, "RECORDS.md")) as f:
                text = f.read()
            for name in names:
                self.assertIn(f"## {name} (", text)
                self.assertTrue(os.path.exists(os.path.join(out, f"record-struct-{name}.csv")))

    def test_the_gate_covers_records(self):
        """compare.py gates your own records as it gates the colony: a record
        layout whose usable bytes grew is a regression, named."""
        with tempfile.TemporaryDirectory() as tmp:
            base, new = os.path.join(tmp, "base"), os.path.join(tmp, "new")
            for folder in (base, new):
                os.makedirs(folder)
                self.assertEqual(run("antmem", folder, "--scenario", "order", "--layout", "slots",
                                     "--n", "2000").returncode, 0)
            compare = [sys.executable, os.path.join(ROOT, "scripts", "compare.py"), "--no-time", base, new]
            p = subprocess.run(compare, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            path = os.path.join(new, "summary", "order-slots-jemalloc.csv")
            with open(path, newline="") as f:
                rows = list(csv.DictReader(f))
            for r in rows:
                r["bytes_per_ant_usable"] = f"{float(r['bytes_per_ant_usable']) * 1.01:.3f}"
            with open(path, "w", newline="") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
            p = subprocess.run(compare, capture_output=True, text=True)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("REGRESSION order/slots/jemalloc n=2000 bytes_per_ant_usable", p.stdout)

    def test_the_generated_ant_is_the_hand_written_ant(self):
        """Requested and usable bytes of records/ant.toml's layouts, measured,
        are the hand-written ones' of the same name (layouts/*.c, as the
        registry lists them), under every allocator."""
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import record_model
        from antmem_results import registry_layouts
        both = [l for l in registry_layouts(os.path.join(BUILD, "bench", "antmem")) if l in record_model.LAYOUTS]
        self.assertGreaterEqual(len(both), 5, both)
        for n in ("1000", "123457"):
            with tempfile.TemporaryDirectory() as out:
                for allocator, driver in DRIVERS.items():
                    for scenario in ("colony", "ant"):
                        p = run(driver, out, "--scenario", scenario, "--layout", ",".join(both), "--n", n)
                        self.assertEqual(p.returncode, 0, p.stderr)
                rows = summaries(out)
            for allocator, layout in ((a, l) for a in DRIVERS for l in both):
                hand, ours = rows[("colony", layout, allocator)], rows[("ant", layout, allocator)]
                with self.subTest(n=n, layout=layout, allocator=allocator):
                    for column in ("final_requested_bytes", "bytes_per_ant_requested", "bytes_per_ant_usable"):
                        self.assertEqual(ours[column], hand[column], column)


if __name__ == "__main__":
    ROOT, BUILD = (os.path.abspath(a) for a in sys.argv[1:3])
    del sys.argv[1:3]
    unittest.main(verbosity=2)
