#!/usr/bin/env python3
"""The RSS tracker against a statm read at every iteration, under every
setting that moves when the allocators give memory back: runs
`antmem --verify-rss` for every layout and allocator under each setting of
SETTINGS and writes one table.

usage: verify_rss.py [--build DIR] [--n N] [--settings all|default] --out OUT
  --build DIR  the meson build folder with the three drivers (default build)
  --n N        ants per run (default 500000)
  --settings   all (default): every setting below; default: each allocator's
               defaults only (a quick run)
  --out OUT    folder for rss-verify.csv (the runs' own files go to a
               temporary folder and are removed)
writes OUT/rss-verify.csv: per pair and setting the iterations compared, the
differing ones (and the first), the largest difference, the tracker's peak
minus the kernel's VmHWM, RSS live (after the purge) and the method; prints a
line per pair. Exit 0: every iteration of every run agreed; 1: some differed
(the table says where; it is written anyway, as a finding); 2: bad input or
a run failed."""
import os
import shutil
import subprocess
import sys
import tempfile

from antmem_results import InputError, load, tool_parser, write_atomic

# Each driver and the settings under which it is verified: (name, environment,
# timing). "timing" settings only move WHEN the allocator returns memory (its
# decay, decommit delay or trim threshold), so RSS live must not move with
# them; mmap_threshold=0 moves WHERE blocks live (each in its own mapping).
SETTINGS = {
    "antmem": [
        ("default", {}, True),
        ("decay 0 ms", {"MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}, True),
        ("decay off (-1)", {"MALLOC_CONF": "dirty_decay_ms:-1,muzzy_decay_ms:-1"}, True),
    ],
    "antmem-mimalloc": [
        ("default", {}, True),
        ("decommit delay 0 ms", {"MIMALLOC_DECOMMIT_DELAY": "0"}, True),
        ("decommit delay 50 ms", {"MIMALLOC_DECOMMIT_DELAY": "50"}, True),
        ("decommit delay 1000 ms", {"MIMALLOC_DECOMMIT_DELAY": "1000"}, True),
    ],
    "antmem-glibc": [
        ("default", {}, True),
        ("trim threshold 0", {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=0"}, True),
        ("mmap threshold 0", {"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=0"}, False),
    ],
}
COLUMNS = ["layout", "allocator", "setting", "timing_only", "n", "rss_method", "iterations",
           "differing", "first_differing", "max_diff_bytes", "peak_minus_hwm_bytes",
           "bytes_per_ant_rss_live", "bytes_per_ant_growth_untouched", "fault_records", "zero_page_reads", "statm_reads",
           "stats_read_bytes"]


def run_setting(build, driver, env, n, folder):
    """One --verify-rss run of every layout: the driver's own refusal, if any,
    is an InputError."""
    os.makedirs(folder, exist_ok=True)
    # the driver dies with us (run-all killed alone must leave no orphan)
    cmd = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []
    cmd += [os.path.join(build, "bench", driver), "-q", "--n", str(n), "--reps", "1",
           "--verify-rss", "--curve-stride", str(n), "--out", folder]
    p = subprocess.run(cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode:
        raise InputError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")


def rows_of(folder, setting, timing):
    for entry in load(folder, "colony", check_curves=False):
        for r in entry["rows"]:
            if r["rss_verified_iterations"] is None:
                raise InputError(f"{folder}: {entry['layout']}/{entry['allocator']}: "
                                 "not a --verify-rss run")
            hwm = r["peak_rss_hwm_bytes"]
            yield {"layout": entry["layout"], "allocator": entry["allocator"], "setting": setting,
                   "timing_only": int(timing), "n": int(r["n"]),
                   "rss_method": entry["meta"].get("rss_method", "?"),
                   "iterations": int(r["rss_verified_iterations"]),
                   "differing": int(r["rss_verify_differing"]),
                   "first_differing": int(r["rss_verify_first_differing"] or 0),
                   "max_diff_bytes": int(r["rss_verify_max_diff_bytes"]),
                   "peak_minus_hwm_bytes": "" if hwm is None else int(r["peak_rss_bytes"] - hwm),
                   "bytes_per_ant_rss_live": f"{r['bytes_per_ant_rss_purged']:.3f}",
                   # spare capacity of live arrays on pages never touched: what
                   # a setting moves when blocks land on recycled dirty pages
                   "bytes_per_ant_growth_untouched": f"{r['bytes_per_ant_growth_untouched'] or 0:.3f}",
                   "fault_records": int(r["rss_fault_records"]),
                   "zero_page_reads": int(r["rss_zero_page_reads"] or 0),
                   "statm_reads": int(r["rss_anchors"]),
                   "stats_read_bytes": int(r["stats_read_bytes"] or 0)}


def main(argv):
    parser = tool_parser(__doc__)
    parser.add_argument("--build", default="build")
    parser.add_argument("--n", type=int, default=500000)
    parser.add_argument("--settings", choices=["all", "default"], default="all")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv[1:])
    if args.n < 1:
        print("verify_rss.py: --n must be at least 1", file=sys.stderr)
        return 2
    if not os.path.isdir(args.out):
        print(f"verify_rss.py: --out {args.out}: not a folder", file=sys.stderr)
        return 2
    found = []
    try:
        with tempfile.TemporaryDirectory(prefix="antmem-verify-rss.") as tmp:
            for driver, settings in SETTINGS.items():
                for k, (setting, env, timing) in enumerate(settings[:1] if args.settings == "default" else settings):
                    folder = os.path.join(tmp, f"{driver}-{k}")
                    run_setting(args.build, driver, env, args.n, folder)
                    found += rows_of(folder, setting, timing)
    except InputError as e:
        print(f"verify_rss.py: {e}", file=sys.stderr)
        return 2
    lines = [",".join(COLUMNS)] + [",".join(str(r[c]) for c in COLUMNS) for r in found]
    differing = [r for r in found if r["differing"]]
    for r in found:
        print(f"verify-rss: {r['layout']:12} {r['allocator']:9} {r['setting']:22} "
              f"{r['iterations']:9,} iterations, {r['differing']:,} differing "
              f"(largest {r['max_diff_bytes']:,} B); peak - VmHWM {r['peak_minus_hwm_bytes']} B; "
              f"RSS live {r['bytes_per_ant_rss_live']} B/ant", file=sys.stderr)
    write_atomic(os.path.join(args.out, "rss-verify.csv"), "\n".join(lines) + "\n")
    print(f"verify-rss: {len(found) - len(differing)} of {len(found)} runs agree with statm at "
          f"every iteration" + (f"; {len(differing)} differ: see rss-verify.csv" if differing else ""),
          file=sys.stderr)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
