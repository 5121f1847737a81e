#!/usr/bin/env python3
"""The page-fault tracker's RSS against a statm read at every iteration:
gathers the summaries of `antmem --verify-rss` runs into one table.

usage: verify_rss.py OUT VERIFY_DIR [VERIFY_DIR...]
  VERIFY_DIR  an --out folder of antmem --verify-rss (summary/*.csv)
writes OUT/rss-verify.csv and prints one line per layout and allocator;
exit 0 (differences are findings, printed and kept, not a failed run),
2 bad input"""
import os
import sys

from antmem_results import InputError, load, write_atomic


def rows_of(folders):
    for folder in folders:
        for entry in load(folder, "colony", check_curves=False):
            for r in entry["rows"]:
                if r["rss_verified_iterations"] is None:
                    raise InputError(f"{folder}: {entry['layout']}/{entry['allocator']}: "
                                     "not a --verify-rss run")
                yield entry, r


def main(argv):
    if len(argv) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    out, folders = argv[1], argv[2:]
    lines = ["layout,allocator,n,rss_method,iterations,differing,max_diff_bytes,fault_records,statm_reads"]
    try:
        found = list(rows_of(folders))
    except InputError as e:
        print(f"verify_rss.py: {e}", file=sys.stderr)
        return 2
    differing = 0
    for entry, r in found:
        method = entry["meta"].get("rss_method", "?")
        lines.append(f"{entry['layout']},{entry['allocator']},{r['n']:.0f},{method},"
                     f"{r['rss_verified_iterations']:.0f},{r['rss_verify_differing']:.0f},"
                     f"{r['rss_verify_max_diff_bytes']:.0f},{r['rss_fault_records']:.0f},{r['rss_anchors']:.0f}")
        differing += r["rss_verify_differing"] > 0
        print(f"verify-rss: {entry['layout']:12} {entry['allocator']:9} {method:11} "
              f"{r['rss_verified_iterations']:9.0f} iterations, {r['rss_verify_differing']:.0f} differing "
              f"(largest {r['rss_verify_max_diff_bytes']:.0f} B); {r['rss_fault_records']:.0f} fault records, "
              f"{r['rss_anchors']:.0f} statm reads", file=sys.stderr)
    if differing:
        print(f"verify-rss: {differing} of {len(found)} runs differ from statm somewhere: "
              "see rss-verify.csv", file=sys.stderr)
    write_atomic(os.path.join(out, "rss-verify.csv"), "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
