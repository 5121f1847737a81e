#!/usr/bin/env python3
"""The article's `__slots__` claim on every CPython this machine has.

What an Ant costs depends on the interpreter: up to 3.10 every instance gets
its own dict object (PEP 412 only shares the keys), so `__slots__` saves
about half; from 3.11 the attribute values live inline in the object and no
dict is built until `__dict__` is asked for, so it saves a quarter. This runs
the article's loop (scripts/reference/article_colony.py: Colony.add_ant with
f"W{i}", "Worker") under tracemalloc in each interpreter found, three kinds
each (py_dict, py_slots, and py_dict_materialized: py_dict asking each new ant
for its `__dict__`), each kind in a fresh process, and writes
OUT/interpreters.csv (+ .json provenance): bytes per ant the interpreter's
allocators were asked for, median (min-max) over repetitions, and the ratios.

Interpreters looked for: /usr/bin/python3 and /usr/bin/python3.*, and
$PYENV_ROOT/versions/*/bin/python3 (PYENV_ROOT defaults to ~/.pyenv); one
entry per real file; below 3.6 skipped (tracemalloc and f-strings). --python
names them instead. This file runs in each of them: Python 3.6 syntax only.
Exit status: 0 written (also when only one interpreter was found: stderr says
so), 1 a run failed (nothing written), 2 bad arguments."""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# kind -> (uses __slots__, asks each ant for its __dict__); the names are colony.py's layouts
KINDS = [("py_dict", False, False), ("py_slots", True, False), ("py_dict_materialized", False, True)]
COLUMNS = ["python_version", "executable", "n", "reps", "py_dict_bytes_per_ant",
           "py_slots_bytes_per_ant", "py_dict_materialized_bytes_per_ant",
           "slots_vs_dict", "slots_vs_dict_min", "slots_vs_dict_max", "slots_vs_materialized"]


def child(slots, materialize, n):
    """Runs in the interpreter measured: prints its version and the bytes
    tracemalloc saw the loop allocate (the colony stays alive)."""
    import platform
    import tracemalloc
    sys.path.insert(0, HERE)
    from article_colony import make_colony
    Colony = make_colony(slots)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    colony = Colony("Tinyopolis")
    for i in range(n):
        colony.add_ant(f"W{i}", "Worker")
        if materialize:
            colony.ants[-1].__dict__  # noqa: B018  3.11+ builds the deferred dict here
    print(json.dumps({"version": platform.python_version(),
                      "bytes": tracemalloc.get_traced_memory()[0] - before}))


def found():
    """Interpreters on this machine, one per real file, in version order."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    paths = ["/usr/bin/python3"] + sorted(glob.glob("/usr/bin/python3.[0-9]*"))
    paths += sorted(glob.glob(os.path.join(root, "versions", "*", "bin", "python3")))
    seen, out = set(), []
    for p in paths:
        real = os.path.realpath(p)
        if os.access(real, os.X_OK) and not real.endswith("-config") and real not in seen:
            seen.add(real)
            out.append(p)
    return out


def version_of(python):
    try:
        p = subprocess.run([python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True,
                           timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = p.stdout.strip()
    return tuple(int(x) for x in text.split(".")) if p.returncode == 0 and text else None


def measure(python, n, reps):
    """{kind: [bytes per ant, one per repetition]} and the version string."""
    per_kind, version = {}, None
    for kind, slots, materialize in KINDS:
        for _ in range(reps):
            args = [python, os.path.abspath(__file__), "--child", "--n", str(n)]
            args += ["--slots"] if slots else []
            args += ["--materialize"] if materialize else []
            p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=600)
            if p.returncode != 0:
                last = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[-1]
                raise RuntimeError("%s: %s: %s" % (python, kind, last))
            r = json.loads(p.stdout)
            version = r["version"]
            per_kind.setdefault(kind, []).append(r["bytes"] / n)
    return version, per_kind


def median(values):
    s = sorted(values)
    return (s[(len(s) - 1) // 2] + s[len(s) // 2]) / 2


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100000, help="ants per run (default 100000)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per kind (default 3)")
    parser.add_argument("--out", default="results", help="existing results folder (default results)")
    parser.add_argument("--python", action="append", help="an interpreter to measure (repeatable; "
                        "default: every one found)")
    parser.add_argument("-V", "--version", action="version", version="%(prog)s " + (subprocess.run(
        ["git", "-C", HERE, "describe", "--always", "--dirty", "--abbrev=12"], stdout=subprocess.PIPE,
        universal_newlines=True).stdout.strip() or "unknown"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--slots", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--materialize", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.slots, args.materialize, args.n)
        return 0
    if args.n < 1 or args.reps < 1:
        print("interpreters.py: --n and --reps must be positive", file=sys.stderr)
        return 2
    if not os.path.isdir(args.out):
        print("interpreters.py: %s: not a folder" % args.out, file=sys.stderr)
        return 2
    candidates = args.python or found()
    rows = []
    for python in candidates:
        v = version_of(python)
        if v is None or v < (3, 6):
            print("interpreters.py: %s: skipped (%s)" % (python, "not runnable" if v is None else
                  "Python %s: below 3.6" % ".".join(map(str, v))), file=sys.stderr)
            continue
        try:
            version, per_kind = measure(python, args.n, args.reps)
        except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
            print("interpreters.py: %s" % e, file=sys.stderr)
            return 1
        d, s, m = (per_kind[k] for k, _, _ in KINDS)
        ratios = [b / a for a, b in zip(d, s)]
        rows.append([version, python, args.n, args.reps, median(d), median(s), median(m),
                     median(s) / median(d), min(ratios), max(ratios), median(s) / median(m)])
        print("interpreters.py: CPython %s (%s): slots/dict %.3f, slots/materialized dict %.3f"
              % (version, python, rows[-1][7], rows[-1][10]), file=sys.stderr)
    if not rows:
        print("interpreters.py: no CPython 3.6 or later found", file=sys.stderr)
        return 1
    if len(rows) == 1:
        print("interpreters.py: only %s found: no other CPython under /usr/bin or the pyenv root"
              % rows[0][1], file=sys.stderr)
    rows.sort(key=lambda r: tuple(int(x) for x in r[0].split(".")))
    sys.path.insert(0, os.path.join(HERE, ".."))
    from antmem_results import write_atomic
    from measure import provenance
    meta = provenance(sys.executable, "interpreters", "cpython", 'print("")',
                      {"n": args.n, "reps": args.reps, "interpreters": [r[1] for r in rows]})
    text = ",".join(COLUMNS) + "\n" + "".join(
        ",".join(("%.3f" % x if isinstance(x, float) else str(x)) for x in r) + "\n" for r in rows)
    base = os.path.join(args.out, "interpreters")
    write_atomic(base + ".csv", text)
    write_atomic(base + ".json", json.dumps(meta, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
