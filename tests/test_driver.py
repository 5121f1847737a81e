#!/usr/bin/env python3
"""End-to-end tests of the antmem driver: the CSVs it writes have the
documented schema and sane figures, and bad input is refused with one line
on stderr, a non-zero exit and no file left behind.

usage: test_driver.py path/to/antmem
"""
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ANTMEM = None
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts")
sys.path.insert(0, SCRIPTS)
from antmem_results import CURVE_COLUMNS, SUMMARY_COLUMNS, registry_layouts  # noqa: E402

N = 20000
LAYOUTS = ()  # the registry's, from the driver (main below); tests of one layout's own figures name it


def run(*args, **kw):
    """antmem with one repetition unless the test asks for more (the default is 5)."""
    if "--reps" not in args:
        args = ("--reps", "1", *args)
    return subprocess.run([ANTMEM, *args], capture_output=True, text=True, **kw)


def files_under(path):
    """Every file below path but the driver's lock (.antmem.lock, which it
    keeps: removing a lock file races with the next run taking it)."""
    return sorted(os.path.relpath(os.path.join(d, f), path)
                  for d, _, fs in os.walk(path) for f in fs if f != ".antmem.lock")


class GoodRun(unittest.TestCase):
    """One run of every layout, shared by the checks below."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = cls.tmp.name
        cls.proc = run("--n", str(N), "--reps", "2", "--out", cls.out)
        cls.summaries = {}
        for layout in LAYOUTS:
            path = os.path.join(cls.out, "summary", f"colony-{layout}-jemalloc.csv")
            if os.path.exists(path):
                with open(path, newline="") as f:
                    cls.summaries[layout] = list(csv.DictReader(f))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_exit_and_files(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        want = []
        for layout in LAYOUTS:
            want += [f"curves/colony-{layout}-jemalloc-r{k}.csv" for k in (1, 2)]
            want += [f"summary/colony-{layout}-jemalloc.{ext}" for ext in ("csv", "json")]
        self.assertEqual(files_under(self.out), sorted(want), "no temporary left behind")

    def test_summary_schema(self):
        for layout, rows in self.summaries.items():
            with open(os.path.join(self.out, "summary", f"colony-{layout}-jemalloc.csv")) as f:
                self.assertEqual(f.readline().strip().split(","), SUMMARY_COLUMNS)
            self.assertEqual([r["repetition"] for r in rows], ["1", "2"])
            for r in rows:
                self.assertEqual((r["complete"], r["n"], r["ants_done"]), ("1", str(N), str(N)))

    def test_curve_schema_and_monotonic_growth(self):
        for layout, rows in self.summaries.items():
            for r in rows:
                with open(os.path.join(self.out, r["curve_file"]), newline="") as f:
                    reader = csv.reader(f)
                    self.assertEqual(next(reader), CURVE_COLUMNS)
                    curve = [[int(x) for x in row] for row in reader]
                self.assertEqual(len(curve), int(r["curve_rows"]))
                its = [c[0] for c in curve]
                self.assertEqual(its[0], 0, "baseline row first")
                self.assertEqual(its[-1], N, "last iteration always written")
                self.assertEqual(its, sorted(set(its)), "iterations strictly increase")
                alloc = [c[CURVE_COLUMNS.index("allocated_bytes")] for c in curve]
                self.assertTrue(all(a <= b for a, b in zip(alloc, alloc[1:])),
                                f"{layout}: allocated bytes fell while the colony grew")
                requested = [c[2] for c in curve]
                self.assertTrue(all(a <= b for a, b in zip(requested, requested[1:])))
                usable = [c[CURVE_COLUMNS.index("usable_bytes")] for c in curve]
                self.assertTrue(all(a <= b for a, b in zip(usable, usable[1:])))
                for c in curve:
                    self.assertGreaterEqual(c[3], c[2], "usable bytes cover what was requested")
                    self.assertGreater(c[1], 0)
                self.assertEqual(curve[-1][1], int(r["final_rss_bytes"]))
                self.assertEqual(curve[-1][4], int(r["final_allocated_bytes"]))

    def test_change_points_only(self):
        """Rows are written only when a figure changed: consecutive rows differ."""
        rows = self.summaries["soa"]  # soa's own figure: it allocates only when a column grows
        with open(os.path.join(self.out, rows[0]["curve_file"]), newline="") as f:
            curve = [row[1:] for row in csv.reader(f)][1:]
        self.assertLess(len(curve), N // 10, "soa changes rarely: few rows")
        for a, b in zip(curve[:-1], curve[1:-1]):
            self.assertNotEqual(a, b)

    def test_usable_equals_jemalloc_allocated(self):
        """Two independent exact sources: malloc_usable_size summed by the
        layouts' accounting, and jemalloc's thread counters."""
        for layout, rows in self.summaries.items():
            for r in rows:
                self.assertEqual(r["bytes_per_ant_usable"], r["bytes_per_ant_allocated"], layout)

    def test_clean_windows(self):
        """The kernel's high-water mark, reset before the baseline, agrees with the
        sampler's peak; purging after the colony is freed gives pages back."""
        page = os.sysconf("SC_PAGE_SIZE")
        for layout, rows in self.summaries.items():
            for r in rows:
                peak, hwm = int(r["peak_rss_bytes"]), int(r["peak_rss_hwm_bytes"])
                self.assertGreaterEqual(hwm, peak - page, layout)
                self.assertLess(hwm - peak, peak // 100, f"{layout}: kernel and sampler peaks within 1 %")
                self.assertLessEqual(int(r["after_purge_rss_bytes"]), int(r["after_free_rss_bytes"]) + page)
        dict_run = self.summaries["dict"][0]
        grown = int(dict_run["final_rss_bytes"]) - int(dict_run["baseline_rss_bytes"])
        self.assertLess(int(dict_run["after_purge_rss_bytes"]) - int(dict_run["baseline_rss_bytes"]),
                        grown // 2, "purged: most of dict's pages went back to the kernel")

    def test_traversal_timed(self):
        for layout, rows in self.summaries.items():
            self.assertGreater(float(rows[0]["traverse_ns_per_ant"]), 0, layout)

    def test_bytes_per_ant_order(self):
        bpa = {l: float(rows[0]["bytes_per_ant_allocated"]) for l, rows in self.summaries.items()}
        self.assertLess(bpa["soa"], bpa["slots"])
        self.assertLess(bpa["slots"], bpa["shared_dict"])
        self.assertLess(bpa["shared_dict"], bpa["dict"])
        rss = {l: float(rows[0]["bytes_per_ant_rss"]) for l, rows in self.summaries.items()}
        self.assertLess(rss["soa"], rss["slots"])
        self.assertLess(rss["slots"], rss["dict"])

    def test_deterministic_and_undistorted(self):
        """Allocated bytes are the same with and without sampling, and across
        repetitions; everything is freed at the end."""
        for layout, rows in self.summaries.items():
            finals = {r["final_allocated_bytes"] for r in rows}
            self.assertEqual(len(finals), 1, f"{layout}: repetitions agree")
            for r in rows:
                grown = int(r["final_allocated_bytes"]) - int(r["baseline_allocated_bytes"])
                unsampled_delta = int(r["unsampled_final_allocated_bytes"]) - int(r["final_allocated_bytes"])
                self.assertLessEqual(abs(unsampled_delta), 1024,
                                     f"{layout}: sampling changed allocated bytes")
                self.assertGreater(grown, N * 10)
                self.assertEqual(r["after_free_allocated_bytes"], r["baseline_allocated_bytes"],
                                 f"{layout}: destroy returns to the baseline")

    def test_expected_sizes(self):
        """The figures the layout comments predict, from jemalloc's size classes."""
        bpa = {l: float(rows[0]["bytes_per_ant_allocated"]) for l, rows in self.summaries.items()}
        ptr_slack = 32768 * 8 / N  # ants[] at 32768 pointers for N=20000
        self.assertAlmostEqual(bpa["dict"], 32 + 192 + 8 + ptr_slack, delta=0.1)
        self.assertAlmostEqual(bpa["slots"], 32 + 8 + ptr_slack, delta=0.1)
        self.assertAlmostEqual(bpa["shared_dict"], 48 + 8 + ptr_slack, delta=0.1)

    def test_breakdown_of_a_real_run(self):
        """The layout's own sort of its bytes adds up to the requested bytes and
        matches its structure; report.py turns the run into a breakdown whose
        components sum to the RSS, none negative."""
        ids = sum(len(f"W{i}") for i in range(N)) / N
        # these layouts' own figures (the others are held to the sum)
        table_slack = {"dict": 5 * 24, "shared_dict": 2 * 8, "slots": 0, "soa": 0}
        references = {"dict": 16, "shared_dict": 16, "slots": 16, "soa": 2}
        for layout, rows in self.summaries.items():
            r = {k: float(v) for k, v in rows[0].items() if k.startswith("bytes_per_ant_")}
            kinds = r["bytes_per_ant_payload"] + r["bytes_per_ant_headers"] + \
                r["bytes_per_ant_table_slack"] + r["bytes_per_ant_padding"] + r["bytes_per_ant_growth_slack"]
            self.assertAlmostEqual(kinds, r["bytes_per_ant_requested"], delta=0.003, msg=layout)
            if layout in table_slack:
                self.assertEqual(r["bytes_per_ant_table_slack"], table_slack[layout], layout)
                self.assertAlmostEqual(r["bytes_per_ant_payload"], ids + references[layout], delta=0.01,
                                       msg=f"{layout}: id characters + role and colony references")
            self.assertLessEqual(r["bytes_per_ant_growth_untouched"], r["bytes_per_ant_growth_slack"])
        with tempfile.TemporaryDirectory() as tmp:  # a copy: other tests list self.out's files
            shutil.copytree(self.out, tmp, dirs_exist_ok=True)
            p = subprocess.run([sys.executable, os.path.join(SCRIPTS, "report.py"), tmp],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(tmp, "colony-breakdown.csv"), newline="") as f:
                parts = list(csv.DictReader(f))
        self.assertEqual([b["layout"] for b in parts], list(LAYOUTS))
        for b in parts:
            values = [float(b[c]) for c in ("payload", "headers_pointers", "table_slack", "padding", "growth_slack",
                                            "size_class_rounding", "allocator_overhead",
                                            "resident_not_in_use")]
            self.assertTrue(all(v >= 0 for v in values), b)
            self.assertAlmostEqual(sum(values), float(b["total_rss"]), delta=0.001 * float(b["total_rss"]))

    def test_provenance(self):
        with open(os.path.join(self.out, "summary", "colony-soa-jemalloc.json")) as f:
            meta = json.load(f)
        for key in ("command", "git_commit", "kernel", "cpu_model", "compiler", "allocator",
                    "allocator_version", "page_size", "transparent_hugepage", "n"):
            self.assertIn(key, meta)
        self.assertEqual(meta["allocator"], "jemalloc")
        self.assertEqual(meta["n"], N)

    def test_progress_and_table(self):
        self.assertIn("soa r2/2", self.proc.stderr)
        self.assertRegex(self.proc.stdout, r"(?m)^dict(\s+[\d.]+){2}\s+24\d\.\d\d\s+24\d\.\d\d\s")


class Concurrent(unittest.TestCase):
    def test_second_run_into_the_same_folder_is_refused(self):
        """Two runs into one folder would mix their results: the second
        refuses in one line naming the first's pid, and writes nothing."""
        with tempfile.TemporaryDirectory() as out:
            first = subprocess.Popen([ANTMEM, "--n", "3000000", "--reps", "3", "--layout", LAYOUTS[0], "-q",
                                      "--out", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                lock = os.path.join(out, ".antmem.lock")
                for _ in range(100):
                    if os.path.exists(lock) and os.path.getsize(lock):
                        break
                    time.sleep(0.05)
                p = run("--n", "1000", "--out", out)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stderr, f"antmem: {out}: in use by another antmem run (pid {first.pid})\n")
                self.assertFalse(any("colony-soa" in f for f in files_under(out)), files_under(out))
            finally:
                first.kill()
                first.wait()
            p = run("--n", "1000", "--layout", LAYOUTS[-1], "--out", out)  # the lock went with the process
            self.assertEqual(p.returncode, 0, p.stderr)


class OutputFolder(unittest.TestCase):
    def test_summary_that_is_a_file_is_named_and_nothing_made(self):
        with tempfile.TemporaryDirectory() as out:
            open(os.path.join(out, "summary"), "w").close()
            p = run("--n", "10", "--out", out)
            self.assertEqual(p.returncode, 2)
            self.assertEqual(p.stderr, f"antmem: {out}/summary: cannot write results there: Not a directory\n")
            self.assertEqual(sorted(os.listdir(out)), ["summary"], "no curves/ left behind")


class RssTracker(unittest.TestCase):
    """The page-fault tracker's RSS equals a statm read at every iteration,
    for every layout under every allocator (--verify-rss), and the statm
    fallback says so once and is recorded."""

    def summaries(self, out):
        for name in sorted(os.listdir(os.path.join(out, "summary"))):
            if name.endswith(".csv"):
                with open(os.path.join(out, "summary", name), newline="") as f:
                    rows = list(csv.DictReader(f))
                with open(os.path.join(out, "summary", name[:-4] + ".json")) as f:
                    yield name, rows, json.load(f)

    def verify(self, driver, env=None, layout="all", exact=True, n=N):
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.run([driver, "--n", str(n), "--reps", "1", "--verify-rss", "--layout", layout,
                                "--out", out], capture_output=True, text=True, env=env)
            self.assertEqual(p.returncode, 0, p.stderr)
            found = list(self.summaries(out))
            self.assertTrue(found, "no summary written")
            for name, rows, meta in found:
                for r in rows:
                    self.assertEqual(int(r["rss_verified_iterations"]), n, name)
                    if exact:
                        self.assertEqual(int(r["rss_verify_differing"]), 0,
                                         f"{name}: the tracker's RSS differed from statm from iteration "
                                         f"{r['rss_verify_first_differing']} (largest difference "
                                         f"{r['rss_verify_max_diff_bytes']} B)")
            return p, found

    def best_method(self):
        """What the driver chooses here: fault-trace where tracefs and the
        privilege allow, page-faults where perf_event_open does."""
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.run([ANTMEM, "--n", "10", "--reps", "1", "--layout", "soa", "--out", out],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "summary", "colony-soa-jemalloc.json")) as f:
                return json.load(f)["rss_method"]

    def test_every_iteration_exact_under_every_allocator(self):
        for exe in ("antmem", "antmem-glibc", "antmem-mimalloc"):
            with self.subTest(driver=exe):
                p, found = self.verify(os.path.join(os.path.dirname(ANTMEM), exe))
                if "perf_event_open refused" in p.stderr:
                    self.skipTest(p.stderr.strip())
                for name, rows, meta in found:
                    self.assertIn(meta["rss_method"], ("fault-trace", "page-faults"), name)
                    self.assertTrue(all(r["rss_by_faults"] == "1" for r in rows), name)
                    for r in rows:  # the peak between readings, against the kernel's
                        self.assertLessEqual(abs(int(r["peak_rss_bytes"]) - int(r["peak_rss_hwm_bytes"])),
                                             256 * 4096, name)
                if meta["rss_method"] == "fault-trace":
                    # the tracker did its work from the records, mostly not from statm
                    records = sum(int(r["rss_fault_records"]) for _, rows, _ in found for r in rows)
                    anchors = sum(int(r["rss_anchors"]) for _, rows, _ in found for r in rows)
                    self.assertGreater(records, 10 * anchors, exe)

    def test_injected_faults_are_caught_with_their_iteration(self):
        """--verify-rss exists to catch a zero-page read counted as a page
        and a release not seen: each planted, each must show, with the
        iteration where the count first went wrong."""
        if self.best_method() != "fault-trace":
            self.skipTest("fault-trace unavailable here (tracefs or privilege)")
        mimalloc = os.path.join(os.path.dirname(ANTMEM), "antmem-mimalloc")
        # aos's array passes 786,432 B at 32,768 records: mimalloc's realloc
        # reads 64 never-written pages of its 1 MiB block; the old block goes
        # back after the run (a 2 s decommit delay: the run takes ~0.1 s), or at once (0)
        for fault, delay, first in (("zero-page-counted", "2000", 32769), ("hidden-release", "0", None)):
            with self.subTest(fault=fault):
                env = dict(os.environ, ANTMEM_RSS_INJECT=fault, MIMALLOC_DECOMMIT_DELAY=delay)
                p, found = self.verify(mimalloc, env, layout="aos", exact=False, n=40000)
                rows = [r for _, rows, _ in found for r in rows]
                self.assertTrue(all(int(r["rss_verify_differing"]) > 0 for r in rows),
                                f"{fault} went unnoticed: {rows}")
                for r in rows:
                    got = int(r["rss_verify_first_differing"])
                    self.assertTrue(got == first if first else 0 < got <= 40000, f"first differing {got}")
        with self.subTest(fault="none"):  # the same runs, nothing planted: exact
            env = dict(os.environ, MIMALLOC_DECOMMIT_DELAY="2000")
            self.verify(mimalloc, env, layout="aos", n=40000)

    def test_unknown_method_is_refused(self):
        env = dict(os.environ, ANTMEM_RSS_METHOD="pagefaults")
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.run([ANTMEM, "--n", "10", "--out", out], capture_output=True, text=True, env=env)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
            self.assertIn("ANTMEM_RSS_METHOD=pagefaults", p.stderr)
            self.assertEqual(os.listdir(out), [], "nothing written")

    def test_statm_fallback_is_said_and_recorded(self):
        env = dict(os.environ, ANTMEM_RSS_METHOD="statm")
        p, found = self.verify(ANTMEM, env)
        said = [line for line in p.stderr.splitlines() if "statm" in line]
        self.assertEqual(len(said), 1, p.stderr)
        self.assertIn("ANTMEM_RSS_METHOD=statm", said[0])
        for name, rows, meta in found:
            self.assertEqual(meta["rss_method"], "statm", name)
            self.assertTrue(all(r["rss_by_faults"] == "0" for r in rows), name)


def plant_link(folder, name, target):
    """As another user (nobody), as a stranger sharing a folder would: a
    symbolic link NAME in FOLDER, made world-writable but not sticky (in a
    sticky one the kernel's protected_symlinks would refuse the link for us)."""
    os.chmod(folder, 0o777)
    subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                    "ln", "-s", target, os.path.join(folder, name)], check=True)


class FinishedRunFolder(unittest.TestCase):
    def test_a_folder_with_a_manifest_is_refused(self):
        """A folder scripts/run-all finished (its MANIFEST certifies every
        file): the driver puts nothing there, and says why."""
        with tempfile.TemporaryDirectory() as out:
            with open(os.path.join(out, "MANIFEST"), "w") as f:
                f.write("# run x\n")
            p = run("--n", "100", "--out", out)
            self.assertEqual(p.returncode, 2)
            self.assertEqual(p.stderr, f"antmem: {out}: a finished run's folder (it has a MANIFEST, as "
                                       "scripts/run-all writes): the driver writes into a folder of its own\n")
            self.assertEqual(files_under(out), ["MANIFEST"])


class PlantedLinks(unittest.TestCase):
    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"), "needs root to act as another user")
    def test_lock_link_is_not_followed(self):
        with tempfile.TemporaryDirectory() as d:
            victim = os.path.join(d, "victim")
            with open(victim, "w") as f:
                f.write("root's own\n")
            os.chmod(victim, 0o600)
            out = os.path.join(d, "out")
            os.mkdir(out)
            os.chmod(d, 0o755)  # the stranger can reach out/
            plant_link(out, ".antmem.lock", victim)
            p = subprocess.run([ANTMEM, "--n", "10", "--out", out], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("a symbolic link: refused", p.stderr)
            with open(victim) as f:
                self.assertEqual(f.read(), "root's own\n", "the planted link was followed")


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def refused(self, *args, status=2, words=""):
        p = run(*args)
        self.assertEqual(p.returncode, status, p.stderr)
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"one line on stderr: {p.stderr!r}")
        self.assertTrue(lines[0].startswith("antmem: "), lines[0])
        self.assertIn(words, lines[0])
        self.assertEqual(files_under(self.out), [], "nothing written")

    def test_unknown_layout(self):
        self.refused("--layout", "btree", "--out", self.out, words="unknown layout 'btree'")

    def test_unknown_scenario(self):
        self.refused("--scenario", "nope", "--out", self.out, words="unknown scenario")

    def test_bad_n(self):
        for n in ("abc", "0", "-1", "1.5", "", "18446744073709551616", "99999999999999999999"):
            with self.subTest(n=n):
                self.refused("--n", n, "--out", self.out, words="--n")

    def test_unwritable_out(self):
        blocker = os.path.join(self.out, "file")
        open(blocker, "w").close()
        p = run("--n", "10", "--out", blocker)
        self.assertEqual(p.returncode, 2)
        self.assertIn("Not a directory", p.stderr)
        p = run("--n", "10", "--out", os.path.join(self.out, "missing"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("No such file", p.stderr)
        p = run("--n", "10", "--out", "/proc/self")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(files_under(self.out), ["file"])

    def test_help_lists_exit_statuses(self):
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        for word in ("--layout", "--n", "--out", "Exit status", "2 bad arguments"):
            self.assertIn(word, p.stdout)

    def test_conventions(self):
        """--version, and an unknown option named as unknown (also as the last word)."""
        for args in (["--version"], ["-V"]):
            p = subprocess.run([ANTMEM, *args], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stdout, r"^antmem [0-9a-f]{7,}(-dirty)? \(jemalloc; ")
        for args in (["--foo"], ["--foo", "1"], ["--n", "5", "--foo"]):
            p = run(*args, "--out", self.out) if args != ["--foo"] else run("--foo")
            self.assertEqual(p.returncode, 2)
            self.assertIn("unknown option '--foo' (see --help)", p.stderr)


class ShortOptions(unittest.TestCase):
    def test_short_forms(self):
        """-n, -r and -o, as scripts/run-all spells them."""
        with tempfile.TemporaryDirectory() as out:
            p = run("-n", "200", "-r", "1", "-o", out, "--layout", LAYOUTS[-1])
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "summary", f"colony-{LAYOUTS[-1]}-jemalloc.csv"), newline="") as f:
                self.assertEqual(next(csv.DictReader(f))["n"], "200")


class OutOfMemory(unittest.TestCase):
    # dict's own figure: a million of its ants need 240 MB, far past 32M
    def test_memory_limit_stops_the_run_and_marks_it(self):
        """The run that stopped is kept beside the complete one of the same
        layout (X.incomplete.csv), never over it: a refused or failed run
        replaces nothing."""
        with tempfile.TemporaryDirectory() as out:
            good = run("--layout", "dict", "--n", "1000", "--reps", "1", "--out", out)
            self.assertEqual(good.returncode, 0, good.stderr)
            before = {name: open(os.path.join(out, name), "rb").read() for name in files_under(out)}
            p = run("--layout", "dict", "--n", "1000000", "--mem-limit", "32M", "--out", out)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertRegex(p.stderr, r"antmem: colony: out of memory after \d+ ants \(layout dict\)")
            self.assertEqual(files_under(out), sorted([*before, "curves/colony-dict-jemalloc-r1.incomplete.csv",
                                                       "summary/colony-dict-jemalloc.incomplete.csv",
                                                       "summary/colony-dict-jemalloc.incomplete.json"]))
            for name, data in before.items():
                with open(os.path.join(out, name), "rb") as f:
                    self.assertEqual(f.read(), data, f"{name}: the complete run's, untouched")
            with open(os.path.join(out, "summary", "colony-dict-jemalloc.incomplete.csv"), newline="") as f:
                row = next(csv.DictReader(f))
            self.assertEqual(row["complete"], "0")
            self.assertLess(int(row["ants_done"]), 1000000)
            self.assertGreater(int(row["ants_done"]), 10000, "it ran until the limit, not before")
            self.assertEqual(row["curve_file"], "curves/colony-dict-jemalloc-r1.incomplete.csv")
            with open(os.path.join(out, row["curve_file"])) as f:
                last = f.read().splitlines()[-1].split(",")
            self.assertEqual(last[0], row["ants_done"], "the partial curve is kept whole")
            os.remove(os.path.join(out, "summary", "colony-dict-jemalloc.csv"))  # only the stopped run left
            report = subprocess.run([sys.executable, os.path.join(SCRIPTS, "report.py"), out, "--check-only"],
                                    capture_output=True, text=True)
            self.assertEqual(report.returncode, 1, "no report of a run that stopped")

    def test_n_beyond_this_machine(self):
        with tempfile.TemporaryDirectory() as out:
            p = run("--layout", LAYOUTS[0], "--n", "2000000000", "--out", out)
            self.assertEqual(p.returncode, 2)
            self.assertRegex(p.stderr, rf"^antmem: --n 2000000000: layout {LAYOUTS[0]} needs about [\d.]+ GiB, "
                                       r"more than this machine's [\d.]+ GiB\n$")
            self.assertEqual(files_under(out), [])


class DatasetScenarios(unittest.TestCase):
    """The seed's lazy loading and chunked processing, end to end on a small
    generated MNIST file (1,050 rows: two full chunks of 500 and one of 50)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = os.path.join(cls.tmp.name, "mnist.csv")
        gen = os.path.join(os.path.dirname(ANTMEM), "antmem-mnist-gen")
        subprocess.run([gen, "--rows", "1050", "--out", cls.data], check=True)
        cls.lazy = run("--scenario", "lazy", "--data", cls.data, "--n", "20", "--out", cls.tmp.name)
        cls.chunked = run("--scenario", "chunked", "--data", cls.data, "--out", cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def summary(self, scenario, variant):
        with open(os.path.join(self.tmp.name, "summary", f"{scenario}-{variant}-jemalloc.csv"), newline="") as f:
            return next(csv.DictReader(f))

    def curve(self, row):
        with open(os.path.join(self.tmp.name, row["curve_file"]), newline="") as f:
            return list(csv.DictReader(f))

    def test_lazy_loads_only_what_is_processed(self):
        self.assertEqual(self.lazy.returncode, 0, self.lazy.stderr)
        eager = self.summary("lazy", "eager-rows")
        lazy = self.summary("lazy", "lazy-rows")
        self.assertEqual((eager["complete"], lazy["complete"]), ("1", "1"))
        grown = lambda r: int(r["final_requested_bytes"])
        one_dataset = 2048 * 785  # 1,050 rows in an array doubled from 16 to 2,048
        self.assertGreaterEqual(grown(eager), 20 * one_dataset, "eager: every processor loaded")
        self.assertLess(grown(eager), 20 * (one_dataset + 16000), "+ the dataset struct (12.6 KB)")
        self.assertGreaterEqual(grown(lazy), 4 * one_dataset, "lazy: 20 % of 20 processors")
        self.assertLess(grown(lazy), 4 * (one_dataset + 16000) + 20 * 1000)
        curve = self.curve(lazy)
        before = [int(r["requested_bytes"]) for r in curve if int(r["iteration"]) <= 5]
        self.assertLess(before[-2], 1000, "before first access: only paths")
        self.assertGreater(before[-1], one_dataset, "the first access loads")
        reads = [int(r["bytes_read"]) for r in curve]
        self.assertEqual(reads[-1], 4 * reads[[int(r["iteration"]) for r in curve].index(5)],
                         "each processing loader reads the file once, no more")

    def test_columns_hold_the_same_payload(self):
        rows = self.summary("lazy", "eager-rows")
        cols = self.summary("lazy", "eager-columns")
        self.assertEqual(rows["final_requested_bytes"], cols["final_requested_bytes"],
                         "785 bytes per row either way (2048-row capacity)")

    def test_chunked_memory_is_flat(self):
        self.assertEqual(self.chunked.returncode, 0, self.chunked.stderr)
        whole, chunked, reread = (self.summary("chunked", v) for v in ("whole", "chunked", "reread"))
        for r in (whole, chunked, reread):
            self.assertEqual((r["complete"], r["n"], r["ants_done"]), ("1", "3", "3"), "3 chunks, the last partial")
        self.assertGreater(int(whole["final_requested_bytes"]), 1050 * 785, "whole holds the file")
        self.assertLessEqual(int(chunked["final_requested_bytes"]), 500 * 785 + 4096,
                             "chunked holds one chunk")
        self.assertEqual(chunked["after_free_allocated_bytes"], chunked["baseline_allocated_bytes"])
        size = os.path.getsize(self.data)
        chunked_read = int(self.curve(chunked)[-1]["bytes_read"])
        reread_read = int(self.curve(reread)[-1]["bytes_read"])
        self.assertEqual(chunked_read, size, "one pass reads the file once")
        self.assertGreater(reread_read, 2 * size, "re-reading from the top reads much more")

    def test_needs_data(self):
        p = run("--scenario", "chunked", "--out", self.tmp.name)
        self.assertEqual(p.returncode, 2)
        self.assertIn("scenario chunked needs --data FILE", p.stderr)
        p = run("--scenario", "lazy", "--layout", LAYOUTS[0], "--data", self.data, "--out", self.tmp.name)
        self.assertEqual(p.returncode, 2)
        self.assertIn(f"unknown layout '{LAYOUTS[0]}' for scenario lazy", p.stderr)

    def test_malformed_data_fails_the_run_naming_the_line(self):
        bad = os.path.join(self.tmp.name, "bad.csv")
        with open(self.data) as src, open(bad, "w") as dst:
            lines = src.readlines()[:5]
            lines[3] = lines[3].replace(",", ",x", 1)
            dst.writelines(lines)
        with tempfile.TemporaryDirectory() as out:
            p = run("--scenario", "chunked", "--layout", "chunked", "--data", bad, "--out", out, "-q")
            self.assertEqual(p.returncode, 2, "refused before any run")
            self.assertEqual(p.stderr, f"antmem: {bad}:4: field 2: not a number 0-255\n", "one line")
            self.assertEqual(files_under(out), [], "nothing written, nothing replaced")

    def test_file_cut_mid_row_is_refused_by_every_variant(self):
        """1,000 complete rows (two chunks of 500) and a row cut short, at
        its 100th byte or inside its last field ("...,255" -> "...,25": a
        valid-looking row, but no line end): refused before any run, whatever
        the variant, naming the line; nothing written."""
        with open(self.data, "rb") as src:
            lines = src.readlines()
        for name, tail in (("cut.csv", lines[1001][:100]), ("cut-last-field.csv", lines[1001][:-2])):
            cut = os.path.join(self.tmp.name, name)
            with open(cut, "wb") as dst:
                dst.writelines(lines[:1001])
                dst.write(tail)
            for scenario, variant in (("chunked", "whole"), ("chunked", "chunked"), ("chunked", "reread"),
                                      ("lazy", "lazy-rows"), ("lazy", "eager-columns")):
                with self.subTest(name=name, variant=variant), tempfile.TemporaryDirectory() as out:
                    p = run("--scenario", scenario, "--layout", variant, "--data", cut, "--n", "1", "--out", out)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertEqual(p.stderr, f"antmem: {cut}:1002: the file ends inside this line "
                                               "(no line end): cut short?\n")
                    self.assertEqual(files_under(out), [])

    def test_zero_padded_fields_are_read(self):
        """Fields of up to three digits ("009", "000"): the longest valid
        line is 3,139 bytes, read as the same values."""
        padded = os.path.join(self.tmp.name, "padded.csv")
        with open(self.data) as src, open(padded, "w") as dst:
            lines = src.read().splitlines()
            dst.write(lines[0] + "\n")
            for line in lines[1:]:
                dst.write(",".join(f"{int(v):03d}" for v in line.split(",")) + "\n")
        with tempfile.TemporaryDirectory() as out:
            p = run("--scenario", "chunked", "--layout", "chunked", "--data", padded, "--out", out, "-q")
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(out, "summary", "chunked-chunked-jemalloc.csv"), newline="") as f:
                self.assertEqual(next(csv.DictReader(f))["ants_done"], "3")

    def test_a_fifo_or_device_is_refused_not_waited_on(self):
        fifo = os.path.join(self.tmp.name, "fifo")
        os.mkfifo(fifo)
        for data in (fifo, "/dev/zero"):
            with self.subTest(data=data), tempfile.TemporaryDirectory() as out:
                p = run("--scenario", "lazy", "--data", data, "--n", "1", "--out", out, timeout=20)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stderr, f"antmem: {data}: not a regular file (a FIFO, device or folder)\n")

    def test_check_refuses_before_any_work(self):
        """--check (scripts/run-all asks it first): what a run would refuse,
        refused, and nothing written; what it would run, exit 0."""
        with tempfile.TemporaryDirectory() as out:
            for args, words in ((["--reps", "1001"], "--reps: '1001' is too large (at most 1000)"),
                                (["--n", "2147483647"], "needs about"),
                                (["--mem-limit", "16000000000000000000"], "--mem-limit: '16000000000000000000' is too large"),
                                (["--scenario", "lazy", "--data", os.path.join(self.tmp.name, "nope.csv")], "nope.csv")):
                with self.subTest(args=args):
                    p = run("--check", *args, "--out", out)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertIn(words, p.stderr)
            p = run("--check", "--scenario", "lazy", "--data", self.data, "--out", out)
            self.assertEqual((p.returncode, p.stderr), (0, ""))
            self.assertEqual(files_under(out), [])

    def test_interrupted_chunked_run_leaves_no_scratch_folder(self):
        """SIGINT or SIGTERM during a chunked run: its scratch folder of chunk
        files in /tmp goes with it."""
        big = os.path.join(self.tmp.name, "big.csv")
        gen = os.path.join(os.path.dirname(ANTMEM), "antmem-mnist-gen")
        subprocess.run([gen, "--rows", "20000", "--out", big], check=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(sig=sig), tempfile.TemporaryDirectory() as out:
                proc = subprocess.Popen([ANTMEM, "--scenario", "chunked", "--layout", "reread", "--reps", "1",
                                         "--data", big, "--out", out], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
                made = []
                for _ in range(200):
                    made = [d for d in os.listdir("/tmp") if d.startswith("antmem-chunks-")
                            and os.path.isdir(os.path.join("/tmp", d))
                            and os.listdir(os.path.join("/tmp", d))]
                    if made:
                        break
                    time.sleep(0.02)
                self.assertTrue(made, "the run made its scratch folder")
                os.killpg(proc.pid, sig)
                proc.wait(timeout=30)
                time.sleep(0.2)
                for d in made:
                    self.assertFalse(os.path.exists(os.path.join("/tmp", d)), f"/tmp/{d} left behind")

    def test_missing_empty_or_header_only_data_named(self):
        """The file is named with the reason, and no chunk count is made up:
        the whole file is read before any run (exit 2), also where the run
        would read none of it (lazy --n 1: its one processor does not process)."""
        header_only = os.path.join(self.tmp.name, "header-only.csv")
        with open(self.data) as src, open(header_only, "w") as dst:
            dst.write(src.readline())
        empty = os.path.join(self.tmp.name, "empty.csv")
        open(empty, "w").close()
        cases = [(os.path.join(self.tmp.name, "nope.csv"), "nope.csv: No such file or directory", 2),
                 (empty, "empty.csv: empty file", 2), (header_only, "header-only.csv: no rows (a header only)", 2),
                 (self.tmp.name, "not a regular file", 2)]
        for data, words, status in cases:
            # --n 1: the one processor of lazy does not process (issue 14 item 18)
            for scenario, n in (("chunked", "5"), ("lazy", "5"), ("lazy", "1")):
                with self.subTest(data=data, scenario=scenario, n=n), tempfile.TemporaryDirectory() as out:
                    p = run("--scenario", scenario, "--data", data, "--n", n, "--out", out, "-q")
                    self.assertEqual(p.returncode, status, p.stderr)
                    self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
                    self.assertIn(words, p.stderr)


class Interrupted(unittest.TestCase):
    def test_sigint_keeps_earlier_results(self):
        self.interrupt(signal.SIGINT)

    def test_sigterm_keeps_earlier_results(self):
        self.interrupt(signal.SIGTERM)

    def test_sigterm_to_the_driver_alone(self):
        """The signal reaches the driver only, not its running repetition:
        the repetition dies with it (PR_SET_PDEATHSIG) and publishes nothing."""
        self.interrupt(signal.SIGTERM, group=False)

    def test_kill9_to_the_driver_alone(self):
        self.interrupt(signal.SIGKILL, group=False)

    def interrupt(self, sig, group=True):
        with tempfile.TemporaryDirectory() as out:
            first = run("--n", "1000", "--layout", LAYOUTS[0], "--out", out)
            self.assertEqual(first.returncode, 0, first.stderr)
            before = {}
            for name in files_under(out):
                with open(os.path.join(out, name), "rb") as f:
                    before[name] = f.read()
            # five repetitions of about 0.4 s: interrupted after one or two,
            # whose curves, renamed at once, would have replaced the first
            # run's beside its summary (now all are renamed at the end, together)
            proc = subprocess.Popen([ANTMEM, "--reps", "5", "--n", "500000", "--layout", LAYOUTS[0], "--out", out],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    start_new_session=True)
            time.sleep(1.0)
            (os.killpg if group else os.kill)(proc.pid, sig)
            proc.communicate(timeout=30)
            self.assertNotEqual(proc.returncode, 0)
            for _ in range(100):  # the orphaned repetition, if any, gets its SIGTERM
                alive = subprocess.run(["pgrep", "-f", f"--out {out} --child-run"], capture_output=True)
                if alive.returncode != 0:
                    break
                time.sleep(0.1)
            self.assertNotEqual(alive.returncode, 0, "a repetition outlived the driver")
            for name, data in before.items():
                with open(os.path.join(out, name), "rb") as f:
                    self.assertEqual(f.read(), data, f"{name} untouched")
            left = [f for f in files_under(out) if f not in before]
            if sig != signal.SIGKILL or group:
                self.assertEqual(left, [], "no temporary left behind")
            elif left:  # kill -9 of the driver alone: a finished repetition's
                # curve, never renamed, waits under its temporary name (hidden,
                # read by nothing) until the next run into the folder removes it
                self.assertTrue(all(re.fullmatch(r"curves/\.colony-.*\.csv\.tmp\d+", f) for f in left), left)
                again = run("--n", "1000", "--layout", LAYOUTS[0], "--out", out)
                self.assertEqual(again.returncode, 0, again.stderr)
                self.assertIn("(its process", again.stderr)
                self.assertEqual(files_under(out), sorted(before), "removed by the next run")


if __name__ == "__main__":
    ANTMEM = os.path.abspath(sys.argv.pop(1))
    LAYOUTS = tuple(registry_layouts(ANTMEM))
    with tempfile.TemporaryDirectory() as probe_out:
        probe = subprocess.run([ANTMEM, "--n", "1", "--layout", LAYOUTS[-1], "--out", probe_out],
                               capture_output=True, text=True)
    if "malloc is not this allocator's" in probe.stderr:
        # A sanitizer replaced malloc: runs cannot measure, bad input is still refused.
        for cls in (GoodRun, OutOfMemory, Interrupted, DatasetScenarios, RssTracker, Concurrent, ShortOptions):
            setattr(sys.modules[__name__], cls.__name__,
                    unittest.skip("malloc replaced (sanitizer build): no measurement")(cls))
    unittest.main(verbosity=2)
