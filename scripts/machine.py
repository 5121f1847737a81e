#!/usr/bin/env python3
"""What machine a run was made on, in enough detail to tell two apart: CPU
model, family/model/stepping, clock, every cache level, RAM, virtualization,
and the load average when the run started and when it ended.

  machine.py start FILE   write FILE (JSON) with the machine and the load now
  machine.py end FILE     add the load now to FILE as the run's end
Used by scripts/run-all (machine.json in the results, shown in REPORT.md) and,
as machine(), by the Python peers' provenance sidecars. Linux; standard
library only. Exit status: 0, 1 unreadable or unwritable FILE, 2 bad arguments."""
import glob
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from antmem_results import InputError, write_atomic  # noqa: E402


def cpuinfo():
    """The first processor's fields of /proc/cpuinfo."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def caches():
    """'L1d 32K, L1i 32K, L2 1024K, L3 32768K' from sysfs (cpu0)."""
    out = []
    for d in sorted(glob.glob("/sys/devices/system/cpu/cpu0/cache/index[0-9]*")):
        try:
            level, kind, size = (open(os.path.join(d, k)).read().strip() for k in ("level", "type", "size"))
        except OSError:
            continue
        out.append(f"L{level}{ {'Data': 'd', 'Instruction': 'i'}.get(kind, '')} {size}")
    return ", ".join(out) or "unknown"


def virtualization(flags):
    """systemd-detect-virt's answer where it is installed, else whether the
    CPU says it runs under a hypervisor."""
    tool = shutil.which("systemd-detect-virt")
    if tool:
        p = subprocess.run([tool], capture_output=True, text=True)
        return p.stdout.strip() or "none"
    return "hypervisor" if "hypervisor" in flags.split() else "none found"


def load_avg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def mem_total():
    try:
        with open("/proc/meminfo") as f:
            kb = next(int(line.split()[1]) for line in f if line.startswith("MemTotal:"))
        return f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        return "unknown"


def machine():
    c = cpuinfo()
    return {
        "cpu_model": c.get("model name", "unknown"),
        "cpu_family_model_stepping": f"{c.get('cpu family', '?')}/{c.get('model', '?')}/{c.get('stepping', '?')}",
        "cpu_mhz": c.get("cpu MHz", "unknown"),
        "cpu_caches": caches(),
        "online_cpus": os.cpu_count(),
        "mem_total": mem_total(),
        "virtualization": virtualization(c.get("flags", "")),
        "hostname": os.uname().nodename,
    }


def main(argv):
    if len(argv) != 2 or argv[0] not in ("start", "end"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    what, path = argv
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    try:
        if what == "start":
            doc = {**machine(), "load_avg_start": load_avg(), "started_utc": now}
        else:
            with open(path) as f:
                doc = json.load(f)
            doc.update(load_avg_end=load_avg(), ended_utc=now)
        write_atomic(path, json.dumps(doc, indent=2) + "\n")
    except (OSError, ValueError, InputError) as e:
        print(f"machine.py: {path}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
