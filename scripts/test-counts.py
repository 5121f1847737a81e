#!/usr/bin/env python3
"""Prints "N passed, N failed, N skipped" over meson testlog.json files, plus
any --extra NAME=STATUS results (an exit status: 0 passed, else failed).
A missing or unreadable log counts as one failure: a stage that never ran
did not pass."""
import argparse
import json
import sys

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("logs", nargs="+", help="meson-logs/testlog*.json files")
parser.add_argument("--extra", action="append", default=[], help="NAME=EXIT_STATUS of a non-meson check")
args = parser.parse_args()
passed = failed = skipped = 0
for path in args.logs:
    try:
        with open(path) as f:
            for line in f:
                result = json.loads(line)["result"]
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except (OSError, ValueError, KeyError) as e:
        print(f"test-counts: {path}: {e}", file=sys.stderr)
        failed += 1
for item in args.extra:
    name, _, status = item.partition("=")
    if status == "0":
        passed += 1
    else:
        print(f"test-counts: {name}: exit status {status}", file=sys.stderr)
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
