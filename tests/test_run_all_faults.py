#!/usr/bin/env python3
"""Fault injection into a small scripts/run-all: SIGINT and kill -9 in the
middle of the measurements, just before the new results are swapped in, and
just after. The results folder, hashed before and after, must be the last
complete run byte for byte, or the new complete run (scripts/check-results
agrees with its MANIFEST): never a mix, never a loss.

usage: test_run_all_faults.py SOURCE_ROOT BUILD_DIR"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = BUILD = None
# a few seconds: no Google Benchmark, CPython, datasets, RSS timing settings
ARGS = ["-n", "20000", "-r", "1", "-G", "-P", "-D", "--rss-settings", "default"]


def hashes(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if name != ".antmem.lock":
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    out[os.path.relpath(path, folder)] = hashlib.sha256(f.read()).hexdigest()
    return out


def run_all(out, n=None, **kw):
    """run-all in its own process group, its stderr kept in a file beside the
    results (a pipe could fill while the test waits on a pause)."""
    log = open(os.path.join(os.path.dirname(out), "run-all.log"), "w+")
    args = ARGS if n is None else ["-n", n, *ARGS[2:]]
    p = subprocess.Popen([os.path.join(ROOT, "scripts", "run-all"), "-b", BUILD, "-o", out, *args],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, text=True,
                         start_new_session=True, **kw)
    p.log = log
    return p


def finish(p, timeout):
    p.wait(timeout=timeout)
    p.log.seek(0)
    text = p.log.read()
    p.log.close()
    return text


def check(out):
    return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "check-results"), out],
                          capture_output=True, text=True)


class RunAllFaults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.first = os.path.join(cls.tmp.name, "first", "results")
        os.makedirs(cls.first)
        p = run_all(cls.first)
        err = finish(p, 300)
        if p.returncode != 0 and "malloc is not this allocator's" in err:
            raise unittest.SkipTest("malloc replaced (sanitizer build): nothing to measure")
        assert p.returncode == 0, err
        cls.complete = hashes(cls.first)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def fresh_copy(self):
        """The first complete run, in a folder of its own (its staging and
        lock files go beside it)."""
        parent = tempfile.mkdtemp(dir=self.tmp.name)
        out = os.path.join(parent, "results")
        shutil.copytree(self.first, out, symlinks=True)
        return out

    def test_kill9_to_run_all_alone(self):
        """run-all killed alone, not its process group: what it started dies
        with it (setpriv --pdeathsig) instead of writing on into a staging
        folder nobody will publish."""
        # n = 2,000,000: the first driver runs for seconds, so an orphan
        # would still be there when we look, a second after the kill
        out = self.interrupt(signal.SIGKILL, after=1.5, group=False, n="2000000")
        for _ in range(10):
            alive = subprocess.run(["pgrep", "-f", os.path.dirname(out)], capture_output=True)
            if alive.returncode != 0:
                break
            time.sleep(0.1)
        self.assertNotEqual(alive.returncode, 0, f"orphans of run-all: {alive.stdout}")
        self.assert_last_complete_run(out)

    def interrupt(self, sig, at=None, after=None, group=True, n=None):
        out = self.fresh_copy()
        flag = os.path.join(os.path.dirname(out), "paused")
        env = dict(os.environ, ANTMEM_PAUSE_AT=at or "", ANTMEM_PAUSE_FILE=flag)
        p = run_all(out, env=env, n=n)
        if at:
            deadline = time.time() + 120
            while not os.path.exists(flag) and p.poll() is None and time.time() < deadline:
                time.sleep(0.05)
            if not os.path.exists(flag):
                os.killpg(p.pid, signal.SIGKILL)
                self.fail(f"run-all never reached {at}: {finish(p, 60)}")
        else:
            time.sleep(after)
        (os.killpg if group else os.kill)(p.pid, sig)
        finish(p, 60)
        self.assertNotEqual(p.returncode, 0)
        return out

    def assert_last_complete_run(self, out):
        self.assertEqual(hashes(out), self.complete, "results are the last complete run, byte for byte")

    def assert_one_whole_run(self, out):
        c = check(out)
        self.assertEqual(c.returncode, 0, c.stderr)

    def test_sigint_mid_run(self):
        self.assert_last_complete_run(self.interrupt(signal.SIGINT, after=1.0))

    def test_kill9_mid_run(self):
        self.assert_last_complete_run(self.interrupt(signal.SIGKILL, after=1.0))

    def test_sigint_just_before_the_swap(self):
        self.assert_last_complete_run(self.interrupt(signal.SIGINT, at="before-swap"))

    def test_kill9_just_before_the_swap(self):
        self.assert_last_complete_run(self.interrupt(signal.SIGKILL, at="before-swap"))

    def test_kill9_just_after_the_swap(self):
        out = self.interrupt(signal.SIGKILL, at="after-swap")
        self.assertNotEqual(hashes(out), self.complete, "the new run is in place")
        self.assert_one_whole_run(out)

    def test_next_run_cleans_up_and_is_whole(self):
        out = self.interrupt(signal.SIGKILL, at="before-swap")
        p = run_all(out)
        err = finish(p, 300)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("left by a run that was stopped", err)
        self.assert_one_whole_run(out)
        leftovers = [n for n in os.listdir(os.path.dirname(out)) if ".run-all." in n and "lock" not in n
                     and n != "run-all.log"]
        self.assertEqual(leftovers, [], "no staging folder left")

    def test_full_disk_fails_naming_the_file_and_keeps_the_last_run(self):
        """The results on a file system that fills up during the run (a
        tmpfs just larger than one run): the run fails, saying which file
        could not be written, and the last complete run stays as it was."""
        if os.geteuid() != 0 or not shutil.which("mount"):
            self.skipTest("needs root to mount a small tmpfs")
        size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(self.first) for f in fs)
        disk = tempfile.mkdtemp(dir=self.tmp.name)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size * 3 // 2}", "tmpfs", disk]).returncode:
            self.skipTest("mount refused here")
        try:
            out = os.path.join(disk, "results")
            shutil.copytree(self.first, out, symlinks=True)
            p = run_all(out)
            err = finish(p, 300)
            self.assertNotEqual(p.returncode, 0, err)
            self.assertRegex(err, r"(No space left on device|not written whole)", err[-2000:])
            self.assertIn(disk, err, "the file is named")
            self.assert_last_complete_run(out)
        finally:
            subprocess.run(["umount", "-l", disk])

    def test_first_complete_run_is_whole(self):
        self.assert_one_whole_run(self.first)

    def test_files_no_run_made_are_refused_by_name(self):
        """A file of someone else's in the results folder: the run would
        replace the folder (losing it) or certify it in its MANIFEST; it is
        refused before any work, named, and the folder left as it was."""
        out = self.fresh_copy()
        with open(os.path.join(out, "notes.txt"), "w") as f:
            f.write("mine\n")
        p = run_all(out)
        err = finish(p, 120)
        self.assertEqual(p.returncode, 2, err)
        self.assertIn(f"{out}/notes.txt: not from run", err)
        self.assertEqual(hashes(out), {**self.complete, "notes.txt": hashlib.sha256(b"mine\n").hexdigest()})
        # a folder that is not a results folder at all is not replaced either
        other = os.path.join(os.path.dirname(out), "documents")
        os.makedirs(other)
        open(os.path.join(other, "letter.txt"), "w").close()
        p = run_all(other)
        err = finish(p, 120)
        self.assertEqual(p.returncode, 2, err)
        self.assertIn("not empty and not a results folder (no MANIFEST)", err)
        self.assertEqual(os.listdir(other), ["letter.txt"])

    def test_a_stopped_save_baseline_leftover_is_not_published(self):
        out = self.fresh_copy()
        left = os.path.join(out, ".baseline.Ab12Cd")
        os.makedirs(os.path.join(left, "summary"))
        open(os.path.join(left, "summary", "x.csv"), "w").close()
        p = run_all(out)
        err = finish(p, 300)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn(f"removed {left}", err)
        self.assertFalse(os.path.exists(left))
        self.assert_one_whole_run(out)

    def test_a_link_as_the_results_folder_is_refused(self):
        out = self.fresh_copy()
        link = os.path.join(os.path.dirname(out), "link")
        os.symlink(out, link)
        p = run_all(link)
        err = finish(p, 120)
        self.assertEqual(p.returncode, 2, err)
        self.assertIn(f"run-all: {link}: a symbolic link: give the folder itself", err)
        self.assertTrue(os.path.islink(link), "the link is still a link")
        self.assert_last_complete_run(out)

    def test_without_gnuplot_no_earlier_chart_is_published(self):
        """gnuplot missing: exit 3, the new data published without charts,
        none of the earlier run's charts beside it, and the report says the
        charts were not drawn instead of linking them."""
        out = self.fresh_copy()
        self.assertTrue(any(n.endswith(".svg") for n in os.listdir(out)), "the first run drew charts")
        bin_dir = tempfile.mkdtemp(dir=self.tmp.name)
        for d in ("/usr/local/bin", "/usr/bin"):
            for name in os.listdir(d):
                if not name.startswith("gnuplot") and not os.path.exists(os.path.join(bin_dir, name)):
                    os.symlink(os.path.join(d, name), os.path.join(bin_dir, name))
        os.unlink(os.path.join(bin_dir, "python3"))
        os.symlink(sys.executable, os.path.join(bin_dir, "python3"))
        p = run_all(out, env=dict(os.environ, PATH=bin_dir))
        err = finish(p, 300)
        self.assertEqual(p.returncode, 3, err)
        self.assertEqual([n for n in os.listdir(out) if n.endswith((".svg", ".png"))], [])
        with open(os.path.join(out, "REPORT.md")) as f:
            report = f.read()
        self.assertNotIn(".svg)", report)
        self.assertIn("not drawn (gnuplot is not installed", report)
        self.assert_one_whole_run(out)

    def test_a_mixed_folder_is_refused(self):
        out = self.fresh_copy()
        with open(os.path.join(out, "REPORT.md"), "a") as f:
            f.write("from another run\n")
        open(os.path.join(out, "summary", "colony-extra-jemalloc.csv"), "w").close()
        c = check(out)
        self.assertEqual(c.returncode, 1)
        self.assertIn("REPORT.md: not the file run", c.stderr)
        self.assertIn("colony-extra-jemalloc.csv: not from run", c.stderr)


class PublishStoppedAfterTheSwap(unittest.TestCase):
    """--publish in a copy of the checkout (README.md and scripts/), killed
    just after results/ was swapped in: README.md's tables are the old run's
    for a moment, and the next --publish finishes the README of the stopped
    one before anything else (its new README waited beside, under the pid
    that results/MANIFEST names)."""

    @classmethod
    def setUpClass(cls):
        with tempfile.TemporaryDirectory() as out:
            probe = subprocess.run([os.path.join(BUILD, "bench", "antmem"), "--n", "1", "--reps", "1",
                                    "--out", out], capture_output=True, text=True)
        if "malloc is not this allocator's" in probe.stderr:
            raise unittest.SkipTest("malloc replaced (sanitizer build): nothing to measure")

    def test_the_next_publish_finishes_the_readme(self):
        with tempfile.TemporaryDirectory() as tmp:
            checkout = os.path.join(tmp, "checkout")
            os.makedirs(checkout)
            shutil.copytree(os.path.join(ROOT, "scripts"), os.path.join(checkout, "scripts"),
                            ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(os.path.join(ROOT, "README.md"), checkout)
            with open(os.path.join(checkout, "README.md")) as f:
                old_readme = f.read()
            flag = os.path.join(tmp, "paused")

            def publish(at):
                env = dict(os.environ, ANTMEM_PAUSE_AT=at, ANTMEM_PAUSE_FILE=flag)
                p = subprocess.Popen([os.path.join(checkout, "scripts", "run-all"), "--publish", "-b", BUILD,
                                      *ARGS], cwd=checkout, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)
                deadline = time.time() + 300
                while not os.path.exists(flag) and p.poll() is None and time.time() < deadline:
                    time.sleep(0.05)
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                err = p.communicate(timeout=60)[1]
                self.assertTrue(os.path.exists(flag), f"never reached {at}: {err}")
                os.unlink(flag)
                return err

            publish("after-swap")
            waiting = [n for n in os.listdir(checkout) if n.startswith(".README.md.publish.")]
            self.assertEqual(len(waiting), 1, os.listdir(checkout))
            with open(os.path.join(checkout, "README.md")) as f:
                self.assertEqual(f.read(), old_readme, "stopped before README.md changed")
            with open(os.path.join(checkout, waiting[0])) as f:
                new_readme = f.read()
            self.assertNotEqual(new_readme, old_readme)
            with open(os.path.join(checkout, "results", "MANIFEST")) as f:
                self.assertTrue(f.readline().rstrip().endswith(" pid " + waiting[0].rsplit(".", 1)[1]))
            err = publish("before-swap")  # the next publish, stopped before its own swap
            self.assertIn("finished README.md of the publish", err)
            with open(os.path.join(checkout, "README.md")) as f:
                self.assertEqual(f.read(), new_readme, "README.md is the stopped publish's, as results/ is")
            self.assertEqual([n for n in os.listdir(checkout) if n.startswith(".README.md.publish.")], [])


if __name__ == "__main__":
    ROOT, BUILD = (os.path.abspath(a) for a in sys.argv[1:3])
    del sys.argv[1:3]
    unittest.main(verbosity=2)
