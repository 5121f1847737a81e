"""What the Python peers share: reading RSS and bytes read as the driver does,
running one measured run in a fresh interpreter, the summary row in antmem's
schema, and the provenance sidecar. Standard library only."""
import json
import os
import platform
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from antmem_results import CURVE_COLUMNS, SUMMARY_COLUMNS  # noqa: E402

BLANK_AFTER_RSS = "," * (CURVE_COLUMNS.index("bytes_read") - 2)  # requested ... metadata: not measured


class Statm:
    """RSS in bytes through one descriptor opened once, as the driver reads it;
    counts what it reads, so bytes-read figures can leave the harness out."""

    def __init__(self):
        self.fd = os.open("/proc/self/statm", os.O_RDONLY)
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.own_bytes = 0

    def rss(self):
        text = os.pread(self.fd, 128, 0)
        self.own_bytes += len(text)
        return int(text.split()[1]) * self.page


class ReadCounter:
    """Bytes this process has read through read() and the like (/proc/self/io
    rchar) since it was made, less what the harness itself read: its own reads
    of /proc/self/io and, through statm, of /proc/self/statm. What remains is
    what the measured code read (the data file and anything it opens)."""

    def __init__(self, statm):
        self.statm = statm
        self.own_bytes = 0  # /proc/self/io bytes read by earlier calls
        self.start = self._rchar()

    def _rchar(self):
        with open("/proc/self/io", "rb", buffering=0) as f:
            text = f.read()
        rchar = int(text.split(b"rchar:")[1].split()[0])
        value = rchar - self.own_bytes - self.statm.own_bytes  # rchar is taken before this read
        self.own_bytes += len(text)
        return value

    def read(self):
        return self._rchar() - self.start


class Curve:
    """A curve CSV in antmem's schema, written to a temporary and renamed into
    place by close(). As the driver's sampler: a row for an iteration whose
    figures changed (RSS, and bytes read when reads is given), every stride-th
    iteration, and the last iteration always, so the curve ends at the run's
    final figures. Without reads, bytes_read is an empty cell (not measured)."""

    def __init__(self, path, statm, reads=None, stride=1):
        self.path, self.statm, self.reads, self.stride = path, statm, reads, stride
        self.tmp = f"{os.path.dirname(path)}/.{os.path.basename(path)}.tmp{os.getpid()}"
        self.f = open(self.tmp, "w", buffering=1 << 16)
        self.f.write(",".join(CURVE_COLUMNS) + "\n")
        self.baseline = self.last = self.peak = statm.rss()
        self.last_read = 0 if reads else None
        self.rows = self.iteration = self.written = 0
        self.write()

    def write(self):
        read = "" if self.last_read is None else self.last_read
        self.f.write(f"{self.iteration},{self.last}{BLANK_AFTER_RSS},{read}\n")
        self.rows += 1
        self.written = self.iteration

    def tick(self, i):
        rss = self.statm.rss()
        read = self.reads.read() if self.reads else None
        changed = rss != self.last or read != self.last_read
        self.iteration, self.last, self.last_read = i, rss, read
        self.peak = max(self.peak, rss)
        if changed and i % self.stride == 0:
            self.write()

    def close(self):
        if self.written != self.iteration:
            self.write()
        self.f.close()
        os.replace(self.tmp, self.path)
        return {"baseline_rss_bytes": self.baseline, "final_rss_bytes": self.last,
                "peak_rss_bytes": self.peak, "curve_rows": self.rows, "bytes_read": self.last_read}


def run_child(python, script, args):
    """One measured run of script in a fresh interpreter: its JSON answer."""
    proc = subprocess.run([python, script, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(tail)
    return json.loads(proc.stdout)


def per_iteration(a, b, n):
    return f"{(b - a) / n:.3f}"


def summary_row(scenario, layout, allocator, rep, n, timed, sampled, curve_file, requested=None):
    """A row of antmem's summary schema; what CPython cannot say stays empty."""
    cells = dict.fromkeys(SUMMARY_COLUMNS, "")
    cells.update(
        scenario=scenario, layout=layout, allocator=allocator, repetition=str(rep), n=str(n),
        complete="1", ants_done=str(n), elapsed_ns=str(timed["elapsed_ns"]),
        sampled_elapsed_ns=str(sampled["sampled_elapsed_ns"]),
        ns_per_ant=per_iteration(0, timed["elapsed_ns"], n),
        sampling_overhead_ratio=f"{sampled['sampled_elapsed_ns'] / timed['elapsed_ns']:.3f}",
        bytes_per_ant_rss=per_iteration(sampled["baseline_rss_bytes"], sampled["final_rss_bytes"], n),
        peak_rss_bytes=str(sampled["peak_rss_bytes"]),
        baseline_rss_bytes=str(sampled["baseline_rss_bytes"]),
        final_rss_bytes=str(sampled["final_rss_bytes"]),
        unsampled_bytes_per_ant_rss=per_iteration(timed["baseline_rss_bytes"], timed["final_rss_bytes"], n),
        curve_rows=str(sampled["curve_rows"]), curve_file=curve_file)
    if "traverse_ns" in timed:
        cells["traverse_ns_per_ant"] = per_iteration(0, timed["traverse_ns"], n)
    if requested is not None:
        cells["bytes_per_ant_requested"] = per_iteration(0, requested, n)
        cells["final_requested_bytes"] = str(requested)
    return ",".join(cells[c] for c in SUMMARY_COLUMNS)


def provenance(python, scenario, allocator, version_code, extra):
    """The JSON sidecar: the driver's keys, for an interpreter instead of a
    build. version_code prints the allocator_version (e.g. pandas')."""
    probe = ("import platform; print(platform.python_version()); print(platform.python_compiler()); "
             + version_code)
    lines = subprocess.run([python, "-c", probe], capture_output=True, text=True).stdout.splitlines()
    lines += ["unknown"] * (3 - len(lines))
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    commit = subprocess.run(["git", "-C", root, "describe", "--always", "--dirty", "--abbrev=12"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    try:
        thp = open("/sys/kernel/mm/transparent_hugepage/enabled").read().strip()
    except OSError:
        thp = "unknown"
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from machine import load_avg, machine
    m = machine()
    return {
        "command": " ".join([python] + sys.argv), "git_commit": commit,
        "cpu_family_model_stepping": m["cpu_family_model_stepping"], "cpu_mhz": m["cpu_mhz"],
        "cpu_caches": m["cpu_caches"], "mem_total": m["mem_total"],
        "virtualization": m["virtualization"], "load_avg_at_end": load_avg(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "kernel": " ".join(platform.uname()[i] for i in (0, 2, 4)), "cpu_model": m["cpu_model"],
        "online_cpus": os.cpu_count(), "page_size": os.sysconf("SC_PAGE_SIZE"),
        "transparent_hugepage": thp, "compiler": lines[1], "build": "", "meson_version": "",
        "python_version": lines[0], "allocator": allocator, "allocator_version": lines[2],
        "malloc_conf": os.environ.get("PYTHONMALLOC", ""), "scenario": scenario, **extra,
    }


def positive(text):
    if not text.isdigit() or int(text) < 1:
        import argparse
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive integer")
    return int(text)
