#!/usr/bin/env python3
"""The article's lazy-loading and chunked-processing code (article.py), run on
the suite's MNIST-shaped CSV and measured as the C scenarios are, in antmem's
CSV schema (allocator "pandas"), so both stand in the same tables and charts.

  --scenario lazy     K DataProcessors over --data, one iteration each;
                      variants py_lazy (the article's cached_property: a
                      processor loads on its first process_data, and a share
                      --fraction of them process) and py_eager (each loads at
                      construction, the C eager variants' behaviour)
  --scenario chunked  one iteration per chunk of --chunk-rows rows; variants
                      py_chunksize (PandasChunkProcessor), py_skiprows
                      (ChunkProcessor: re-reads from the top for each chunk)
                      and py_whole (everything loaded first, then chunked)

Each repetition runs twice in fresh interpreters, as the driver does: timed
(nothing read inside the loop) and sampled (RSS from /proc/self/statm and
bytes read from /proc/self/io after every iteration: the curve). Requested
bytes are not measured (empty cells): pandas allocates through numpy.
Writes OUT/curves/<scenario>-<variant>-pandas-r<k>.csv and
OUT/summary/<scenario>-<variant>-pandas.{csv,json}, each atomically.
Exit status: 0 done; 1 a run failed; 2 bad arguments; 77 pandas is not
installed for --python (apt-get install python3-pandas)."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import (SUMMARY_COLUMNS, Curve, ReadCounter, Statm, positive, provenance,  # noqa: E402
                     run_child, summary_row)
from antmem_results import tool_parser, write_atomic  # noqa: E402

ALLOCATOR = "pandas"
VARIANTS = {"lazy": ["py_eager", "py_lazy"], "chunked": ["py_whole", "py_chunksize", "py_skiprows"]}
# What one iteration of each scenario is: the unit of n and of the summary's
# *_per_ant columns (named for the colony, the first scenario), as the driver says.
UNITS = {"lazy": "DataProcessor", "chunked": "chunk"}


def processes(i, percent):
    """The C lazy scenario's rule: processor i processes when the running share
    crosses the next whole percent step."""
    return (i + 1) * percent // 100 > i * percent // 100


def lazy_run(variant, path, n, fraction, tick):
    from article import DataProcessor
    processors, checksum = [], 0.0
    for i in range(n):
        p = DataProcessor(path)
        if variant == "py_eager":
            p.data_loader.dataset  # loaded at construction
        processors.append(p)
        if processes(i, fraction):
            checksum += p.process_data()
        tick(i + 1)
    return {"iterations": n, "checksum": checksum}


def chunked_run(variant, path, chunk_rows, tick):
    import article
    cls = {"py_whole": article.WholeProcessor, "py_chunksize": article.PandasChunkProcessor,
           "py_skiprows": article.ChunkProcessor}[variant]
    out = {}
    with tempfile.TemporaryDirectory(prefix="antmem-py-chunks-") as out_dir:
        processor = cls(path, chunk_rows, verbose=False, out_dir=out_dir)
        if variant == "py_whole":  # what pandas says its DataFrame holds, read after the run
            load = processor.load

            def load_and_measure():
                df = load()
                out["dataframe_bytes"] = int(df.memory_usage(deep=True).sum())
                return df
            processor.load = load_and_measure
        save, chunks = processor.save_chunk, [0]

        def save_and_tick(chunk, chunk_id):  # the end of one iteration of process_data
            save(chunk, chunk_id)
            chunks[0] = chunk_id + 1
            tick(chunk_id + 1)
        processor.save_chunk = save_and_tick
        processor.process_data()
    return {"iterations": chunks[0], **out}


def child(args):
    """One run in this fresh interpreter; prints its figures as JSON."""
    import article  # noqa: F401  imported before the baseline, as the driver's libraries
    import pandas  # noqa: F401  are loaded before its own: the runs measure the work alone
    statm = Statm()
    reads = ReadCounter(statm)  # one counter: it must see every read the harness makes
    curve = Curve(args.curve, statm, reads) if args.curve else None
    tick = curve.tick if curve else (lambda i: None)
    baseline = statm.rss()
    start = time.perf_counter_ns()
    if args.scenario == "lazy":
        out = lazy_run(args.variant, args.data, args.n, args.fraction, tick)
    else:
        out = chunked_run(args.variant, args.data, args.chunk_rows, tick)
    elapsed = time.perf_counter_ns() - start
    out.update(baseline_rss_bytes=baseline, final_rss_bytes=statm.rss(), bytes_read=reads.read())
    if curve:
        out.update(curve.close(), sampled_elapsed_ns=elapsed)
    else:
        out["elapsed_ns"] = elapsed
    print(json.dumps(out))


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("--scenario", choices=sorted(VARIANTS), required=True)
    parser.add_argument("--data", required=True, help="an MNIST-shaped CSV (antmem-mnist-gen)")
    parser.add_argument("--layout", default="all", help="variants, comma-separated (default all)")
    parser.add_argument("--n", type=positive, default=50, help="lazy: DataProcessors (default 50)")
    parser.add_argument("--fraction", type=int, default=20, help="lazy: percent that process (default 20)")
    parser.add_argument("--chunk-rows", type=positive, default=500, help="chunked: rows per chunk (default 500)")
    parser.add_argument("--reps", type=positive, default=5, help="repetitions (default 5)")
    parser.add_argument("--out", default="results", help="existing results folder (default results)")
    parser.add_argument("--python", default="/usr/bin/python3", help="interpreter measured (default /usr/bin/python3)")
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    parser.add_argument("--curve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        child(args)
        return 0
    variants = VARIANTS[args.scenario] if args.layout == "all" else args.layout.split(",")
    bad = [v for v in variants if v not in VARIANTS[args.scenario]]
    if bad:
        print(f"datasets.py: --layout: unknown {args.scenario} variant '{bad[0]}' "
              f"(choose from {', '.join(VARIANTS[args.scenario])})", file=sys.stderr)
        return 2
    if not 0 <= args.fraction <= 100:
        print("datasets.py: --fraction: a percentage, 0 to 100", file=sys.stderr)
        return 2
    if not os.path.isfile(args.data) or not os.access(args.data, os.R_OK):
        print(f"datasets.py: --data {args.data}: not a readable file", file=sys.stderr)
        return 2
    with open(args.data, "rb") as f:  # as the C reader: "...,25" may be "...,255" cut short
        size = f.seek(0, os.SEEK_END)
        f.seek(max(size - 1, 0))
        cut = f.read(1) != b"\n"  # also when empty
    if cut:
        print(f"datasets.py: --data {args.data}: empty, or it ends inside its last line (no line end): "
              "cut short?", file=sys.stderr)
        return 2
    if not os.path.isdir(args.out) or not os.access(args.out, os.W_OK):
        print(f"datasets.py: {args.out}: not a writable folder", file=sys.stderr)
        return 2
    if subprocess.run([args.python, "-c", "import pandas"], capture_output=True).returncode != 0:
        print(f"datasets.py: pandas is not installed for {args.python}: apt-get install python3-pandas "
              "(the Python peers are skipped)", file=sys.stderr)
        return 77
    for sub in ("curves", "summary"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    meta = provenance(args.python, args.scenario, ALLOCATOR, "import pandas; print(pandas.__version__)",
                      {"data": os.path.basename(args.data), "reps": args.reps, "n": args.n,
                       "fraction_percent": args.fraction, "chunk_rows": args.chunk_rows})
    script = os.path.abspath(__file__)
    common = ["--scenario", args.scenario, "--data", args.data, "--n", str(args.n),
              "--fraction", str(args.fraction), "--chunk-rows", str(args.chunk_rows)]
    for variant in variants:
        rows = []
        for rep in range(1, args.reps + 1):
            curve_file = f"curves/{args.scenario}-{variant}-{ALLOCATOR}-r{rep}.csv"
            try:
                timed = run_child(args.python, script, common + ["--variant", variant])
                sampled = run_child(args.python, script, common + [
                    "--variant", variant, "--curve", os.path.join(args.out, curve_file)])
            except RuntimeError as e:
                print(f"datasets.py: {variant} r{rep}: {e}", file=sys.stderr)
                return 1
            rows.append(summary_row(args.scenario, variant, ALLOCATOR, rep, timed["iterations"],
                                    timed, sampled, curve_file))
            print(f"datasets.py: {args.scenario} {variant} r{rep}/{args.reps}: {timed['iterations']} "
                  f"iterations, {timed['elapsed_ns'] / 1e9:.3f} s unsampled, "
                  f"{sampled['sampled_elapsed_ns'] / 1e9:.3f} s sampled", file=sys.stderr)
        base = os.path.join(args.out, "summary", f"{args.scenario}-{variant}-{ALLOCATOR}")
        write_atomic(base + ".csv", ",".join(SUMMARY_COLUMNS) + "\n" + "\n".join(rows) + "\n")
        # a measured figure the summary schema has no column for, the same in every run
        extra = {"dataframe_bytes": timed["dataframe_bytes"]} if "dataframe_bytes" in timed else {}
        # n counts the scenario's unit, as the summary rows do: chunks, not --n
        extra.update(n=timed["iterations"], unit=UNITS[args.scenario])
        write_atomic(base + ".json", json.dumps({**meta, **extra}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
