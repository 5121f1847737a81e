#!/usr/bin/env python3
"""The byte model: requested and usable bytes per ant for any N, predicted
without running a colony.

Each layout describes the blocks its colony holds after the seed's loop
(`build/bench/antmem-plan`, from layouts/plan.h: written from the layout's
structures, not measured). This rounds every block by each allocator's own
rules, written out here from the allocators' sources, not asked of them:
  jemalloc 5.3  size classes: 8, 16-byte steps to 128, then four classes per
                doubling (160, 192, 224, 256, 320, ...), small and large alike
  mimalloc 2.0  the same classes up to 128 KiB (its bins, rounded to two
                words); above, steps of 64 KiB to 512 KiB, of 512 KiB to 8 MiB,
                of 1 MiB to 32 MiB, then of 4 MiB (measured: mi_usable_size of
                mimalloc 2.0.9 here; a 786,432-B array holds 1 MiB)
  glibc 2.36    a chunk: request + 8-byte header rounded up to 16, at least 32,
                usable = chunk - 8; from 128 KiB (the mmap threshold) a mapping:
                chunk + 8 rounded up to pages, usable = that - 16
and sums them: requested = sum(size), usable = sum(round(size)), per ant = / N.
Two effects of glibc are bounded, not placed. An array of 128 KiB or more
that grows by realloc is mapped (the rule above) unless it borders the top
of the heap, where glibc extends it in place (chunk - 8 usable): the figure
may be lower by that difference (`glibc_low`). And glibc carves later small requests out of
the arrays it freed while they grew (chunks above its 1,040-byte tcache sizes
and below the mmap threshold), and when a carved chunk's rest is under its
32-byte minimum it hands the rest out with the last piece: up to 16 bytes per
such freed array, depending on the order of requests (`glibc_slack`).
tests/test_model.py compares the prediction with the driver's measurement at
several N for every layout and allocator; a difference is a finding about the
model or the layout, never adjusted away here.

usage: model.py [--build DIR] [--n N ...]            print the predictions
       model.py [--build DIR] --readme README.md     regenerate README's layout and model tables
Standard library only. Exit status: 0, 1 antmem-plan failed or README unwritable,
2 bad arguments."""
import argparse
import csv
import io
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from antmem_results import tool_parser, InputError, registry, replace_between, write_atomic  # noqa: E402

KIB = 1024
PAGE = 4096
BEGIN = "<!-- model-table:begin (scripts/model.py writes this) -->"
END = "<!-- model-table:end -->"
LAYOUTS_BEGIN = "<!-- layouts-table:begin (scripts/model.py writes this, from the registry) -->"
LAYOUTS_END = "<!-- layouts-table:end -->"


def round_up(x, step):
    return (x + step - 1) // step * step


def jemalloc(size):
    if size <= 8:
        return 8
    if size <= 128:
        return round_up(size, 16)
    group = (size - 1).bit_length() - 1  # the doubling size - 1 falls in
    return round_up(size, 1 << (group - 2))


def mimalloc(size):
    if size <= 128 * KIB:
        return jemalloc(size)  # its bins, two-word aligned, are jemalloc's classes here
    step = (64 * KIB if size <= 512 * KIB else 512 * KIB if size <= 8 * KIB * KIB else
            KIB * KIB if size <= 32 * KIB * KIB else 4 * KIB * KIB)
    return round_up(size, step)


def glibc(size):
    chunk = max(32, round_up(size + 8, 16))
    if chunk >= 128 * KIB:
        return round_up(chunk + 8, PAGE) - 16
    return chunk - 8


def glibc_in_heap(size):
    """What glibc's rule gives an array of size that stayed in the heap."""
    return max(32, round_up(size + 8, 16)) - 8


ALLOCATORS = {"jemalloc": jemalloc, "glibc": glibc, "mimalloc": mimalloc}


TCACHE_MAX_CHUNK = 1040  # glibc: freed chunks up to this size wait in the thread cache
MIN_CHUNK = 32


def freed_on_growth(elem_size, capacity):
    """The sizes an array grown by mem_grow() to capacity was freed at."""
    sizes, cap = [], 16
    while cap < capacity:
        sizes.append(cap * elem_size)
        cap *= 2
    return sizes


def plan(build, n):
    """{layout: ([(size, count)] live, [size] freed on growth, [size] live
    arrays)} from antmem-plan."""
    exe = os.path.join(build, "bench", "antmem-plan")
    try:
        p = subprocess.run([exe, "--n", str(n)], capture_output=True, text=True)
    except OSError as e:
        raise InputError(f"{exe}: {e.strerror} (build first: meson compile -C {build})") from None
    if p.returncode != 0:
        raise InputError(f"{exe}: {p.stderr.strip() or f'exit {p.returncode}'}")
    blocks = {}
    for r in csv.DictReader(io.StringIO(p.stdout)):
        live, freed, arrays = blocks.setdefault(r["layout"], ([], [], []))
        size, count = int(r["size"]), int(r["count"])
        if r["kind"] == "array":
            live.append((size * count, 1))
            freed.extend(freed_on_growth(size, count))
            arrays.append(size * count)
        else:
            live.append((size, count))
    if not blocks:
        raise InputError(f"{exe}: no layouts in its output")
    return blocks


def glibc_slack(freed):
    """The most glibc's unsplit remainders can add: 16 bytes per freed array
    chunk it may carve (not cached in the tcache, not mmapped)."""
    chunks = [max(MIN_CHUNK, round_up(s + 8, 16)) for s in freed]
    return 16 * sum(1 for c in chunks if TCACHE_MAX_CHUNK < c < 128 * KIB)


def predict(build, n, planned=None):
    """{layout: {"requested": bytes, "<allocator>": usable bytes, ...,
    "glibc_slack": the most glibc may add to its figure, "glibc_low": the
    most it may be lower}} for n ants (from planned, plan()'s answer, when
    the caller has it already)."""
    out = {}
    for layout, (blocks, freed, arrays) in (planned or plan(build, n)).items():
        out[layout] = {"requested": sum(s * c for s, c in blocks), "glibc_slack": glibc_slack(freed),
                       "glibc_low": sum(glibc(a) - glibc_in_heap(a) for a in arrays)}
        for name, rule in ALLOCATORS.items():
            out[layout][name] = sum(rule(s) * c for s, c in blocks)
    return out


def per_ant_table(planned, totals, n):
    """README's table: each layout's blocks at N, requested and usable per ant."""
    blocks = {k: v[0] for k, v in planned.items()}
    rows = ["| layout | blocks at N = {:,} (bytes × count) | requested B/ant | usable B/ant: "
            "jemalloc | glibc (+ at most) | mimalloc |".format(n), "|---|---|---:|---:|---:|---:|"]
    for layout, bl in blocks.items():
        shown = ", ".join(f"{s:,} × {c:,}" for s, c in sorted(bl, key=lambda b: -b[0] * b[1]))
        t = totals[layout]
        rows.append(f"| {layout} | {shown} | {t['requested'] / n:.3f} | {t['jemalloc'] / n:.3f} | "
                    f"{t['glibc'] / n:.3f} (+{t['glibc_slack'] / n:.4f}) | {t['mimalloc'] / n:.3f} |")
    return "\n".join(rows)


def layouts_table(build, totals, n):
    """README's list of layouts: each one's file, summary and the bytes per ant
    its plan predicts (requested; usable under jemalloc), from the registry."""
    rows = [f"| layout | file | what it is | requested B/ant at N = {n:,} | usable (jemalloc) |",
            "|---|---|---|---:|---:|"]
    for name, summary in registry(os.path.join(build, "bench", "antmem")).items():
        t = totals[name]
        rows.append(f"| `{name}` | `layouts/{name}.c` | {summary.replace('_', chr(92) + '_')} | {t['requested'] / n:.2f} | "
                    f"{t['jemalloc'] / n:.2f} |")
    return "\n".join(rows)


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("--build", default="build", help="build folder with bench/antmem-plan (default build)")
    parser.add_argument("--n", type=int, action="append", help="ants (repeatable; default 500000)")
    parser.add_argument("--readme", help="README.md whose model table to regenerate (at the first --n)")
    args = parser.parse_args()
    sizes = args.n or [500000]
    if any(n < 1 for n in sizes):
        print("model.py: --n must be at least 1", file=sys.stderr)
        return 2
    try:
        if args.readme:
            with open(args.readme) as f:
                text = f.read()
            n = sizes[0]
            planned = plan(args.build, n)  # once, for both tables
            totals = predict(args.build, n, planned)
            text = replace_between(text, BEGIN, END, per_ant_table(planned, totals, n) + "\n", args.readme)
            text = replace_between(text, LAYOUTS_BEGIN, LAYOUTS_END, layouts_table(args.build, totals, n) + "\n",
                                   args.readme)
            write_atomic(args.readme, text)
            return 0
        print("n,layout,requested_per_ant," + ",".join(f"{a}_usable_per_ant" for a in ALLOCATORS)
              + ",glibc_slack_per_ant")
        for n in sizes:
            for layout, t in predict(args.build, n).items():
                print(f"{n},{layout},{t['requested'] / n:.4f}," +
                      ",".join(f"{t[a] / n:.4f}" for a in ALLOCATORS) + f",{t['glibc_slack'] / n:.4f}")
    except (InputError, OSError) as e:
        print(f"model.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
