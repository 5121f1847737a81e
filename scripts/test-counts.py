#!/usr/bin/env python3
"""Prints "N passed, N failed[, N skipped]" from meson's testlog.json."""
import json
import sys

if len(sys.argv) != 2 or sys.argv[1] in ("-h", "--help"):
    print("usage: test-counts.py build/meson-logs/testlog.json", file=sys.stderr)
    sys.exit(2)
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
try:
    with open(sys.argv[1]) as f:
        for line in f:
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                counts["OK"] += 1
            elif result == "SKIP":
                counts["SKIP"] += 1
            else:
                counts["FAIL"] += 1
except (OSError, ValueError, KeyError) as e:
    print(f"test-counts: {sys.argv[1]}: {e}", file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)
print(f"{counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
