#!/usr/bin/env python3
"""How often the gate fails on unchanged code: TRIALS times, two fresh runs
of every layout under every allocator, compared by compare.py. A false
alarm is a trial whose compare.py exits 1 (a "regression" between two runs
of the same binaries). The goal is 0.

usage: gate_false_alarms.py --build BUILD [--n N] [--reps R] [--trials T]
prints one line per trial and the count; exit 0 when no trial failed, 1 when
one did (the lines above say which figure), 2 bad arguments or a failed run"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from antmem_results import tool_parser  # noqa: E402

DRIVERS = ["antmem", "antmem-glibc", "antmem-mimalloc"]
HERE = os.path.dirname(os.path.abspath(__file__))


def fresh_run(build, n, reps, out):
    os.makedirs(out)
    for driver in DRIVERS:
        subprocess.run([os.path.join(build, "bench", driver), "-q", "--n", str(n), "--reps", str(reps),
                        "--curve-stride", str(max(1, n // 100)), "--out", out],
                       check=True, stdout=subprocess.DEVNULL)


def main():
    ap = tool_parser(__doc__)
    ap.add_argument("--build", required=True)
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--trials", type=int, default=20)
    args = ap.parse_args()
    if min(args.n, args.reps, args.trials) < 1:
        ap.error("--n, --reps and --trials must be positive")
    alarms = 0
    with tempfile.TemporaryDirectory() as tmp:
        for t in range(1, args.trials + 1):
            a, b = os.path.join(tmp, f"{t}a"), os.path.join(tmp, f"{t}b")
            try:
                fresh_run(args.build, args.n, args.reps, a)
                fresh_run(args.build, args.n, args.reps, b)
            except (subprocess.CalledProcessError, OSError) as e:
                print(f"gate_false_alarms.py: trial {t}: {e}", file=sys.stderr)
                return 2
            p = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), "--no-time", a, b],
                               capture_output=True, text=True)
            if p.returncode == 2:
                print(f"gate_false_alarms.py: compare.py: {p.stderr.strip()}", file=sys.stderr)
                return 2
            alarms += p.returncode == 1
            flagged = [line for line in p.stdout.splitlines() if line.startswith("REGRESSION")]
            last = p.stdout.strip().splitlines()[-1]
            print(f"trial {t:2}/{args.trials}: {'FALSE ALARM' if flagged else 'pass'} ({last})")
            for line in flagged:
                print(f"    {line}")
            for f in (a, b):
                subprocess.run(["rm", "-rf", f])
    print(f"gate on unchanged code: {alarms} false alarm(s) in {args.trials} trials "
          f"(n={args.n}, {args.reps} repetitions, {len(DRIVERS)} allocators)")
    return 1 if alarms else 0


if __name__ == "__main__":
    sys.exit(main())
