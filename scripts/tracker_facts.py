"""What README and REPORT say about the RSS tracker and about what sampling
costs, made from the run's own files (rss-verify.csv from verify_rss.py,
overhead.csv from overhead.py, colony-breakdown.csv from breakdown.py), so
that no sentence states a figure the data do not. Each function returns
Markdown, or an empty list when its file was not made."""
import statistics
from collections import defaultdict

PAGE = 4096
OVERHEAD_GOAL = 1.05  # sampled / unsampled time: the goal for every pair


def _pages(b):
    return b / PAGE


def _span(values, fmt="{:,.0f}"):
    lo, hi = min(values), max(values)
    return fmt.format(lo) if lo == hi else f"{fmt.format(lo)} to {fmt.format(hi)}"


def _by_pair(rows):
    pairs = defaultdict(list)
    for r in rows:
        pairs[(r["layout"], r["allocator"])].append(r)
    return pairs


def verify_table(rows):
    """One row per layout and allocator over every setting it ran under."""
    out = ["| layout | allocator | settings | iterations compared | differing (first at) | "
           "largest difference B | peak − VmHWM, pages | RSS live B/ant over the timing settings | "
           "zero-page reads | pages the stats reads added |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for (layout, alloc), rs in _by_pair(rows).items():
        differing = sum(int(r["differing"]) for r in rs)
        firsts = [int(r["first_differing"]) for r in rs if int(r["differing"])]
        live = [float(r["bytes_per_ant_rss_live"]) for r in rs if r["timing_only"] == "1"]
        gaps = [_pages(int(r["peak_minus_hwm_bytes"])) for r in rs if r["peak_minus_hwm_bytes"] != ""]
        out.append(
            f"| {layout} | {alloc} | {len(rs)} | {sum(int(r['iterations']) for r in rs):,} | "
            f"{differing:,}" + (f" ({min(firsts):,})" if firsts else "") + " | "
            f"{max(int(r['max_diff_bytes']) for r in rs):,} | {_span(gaps, '{:+,.0f}') if gaps else '–'} | "
            f"{_span(live, '{:.3f}') if live else '–'} | "
            f"{_span([int(r['zero_page_reads']) for r in rs])} | "
            f"{_span([_pages(int(r['stats_read_bytes'])) for r in rs])} |")
    return out


def verify_sentences(rows, live_ranges=None):
    """The findings of rss-verify.csv, as sentences. live_ranges: the main
    run's RSS live per pair over its repetitions, {(layout, allocator): (min,
    max, n)} in B/ant, the spread a rerun with the same settings shows."""
    if not rows:
        return []
    runs, n = len(rows), int(rows[0]["n"])
    settings = sorted({(r["allocator"], r["setting"]) for r in rows})
    agreed = [r for r in rows if not int(r["differing"])]
    out = [f"- **Every iteration**: {len(agreed)} of {runs} runs (every layout under "
           f"{len(settings)} allocator settings, N = {n:,}) agree with a statm read at every one of "
           f"their {sum(int(r['iterations']) for r in rows):,} iterations"
           + ("." if len(agreed) == runs else
              "; these do not: " + "; ".join(
                  f"{r['layout']}/{r['allocator']} ({r['setting']}) in {int(r['differing']):,} "
                  f"iterations from iteration {int(r['first_differing']):,}, by up to "
                  f"{int(r['max_diff_bytes']):,} B" for r in rows if int(r["differing"])) + ".")]
    methods = sorted({r["rss_method"] for r in rows})
    out.append(f"- **Method** in these runs: {', '.join(methods)}.")
    zero = [r for r in rows if int(r["zero_page_reads"])]
    if zero:
        top = max(zero, key=lambda r: int(r["zero_page_reads"]))
        out.append(f"- **Zero-page reads**: {sum(int(r['zero_page_reads']) for r in rows):,} read faults "
                   f"on never-written pages in all, counted as no page (they map the kernel's shared "
                   f"zero page); the most in one run: {int(top['zero_page_reads']):,} "
                   f"({top['layout']}/{top['allocator']}, {top['setting']}).")
    gaps = [int(r["peak_minus_hwm_bytes"]) for r in rows if r["peak_minus_hwm_bytes"] != ""]
    if gaps:
        equal = sum(1 for g in gaps if g == 0)
        out.append(f"- **Peaks**: the tracker's peak (its count after every iteration and just before "
                   f"every release) equals the kernel's VmHWM in {equal} of {len(gaps)} runs"
                   + ("." if equal == len(gaps) else
                      f"; in the others it is {_span([_pages(g) for g in gaps if g], '{:+,.0f}')} pages "
                      "from it. VmHWM is no exact judge: the kernel updates it from approximate "
                      "per-CPU counters when pages are released (tests/test_rss_track.c)."))
    stats = [r for r in rows if int(r["stats_read_bytes"])]
    out.append("- **The sampler's own pages**: "
               + ("no read of the allocator's statistics made a page resident." if not stats else
                  f"reading the allocator's statistics made pages resident in {len(stats)} of {runs} "
                  f"runs ({_span([_pages(int(r['stats_read_bytes'])) for r in stats])} pages: "
                  f"{', '.join(sorted({r['allocator'] for r in stats}))}); they are in RSS, counted "
                  "at once, and the summary names them (`stats_read_bytes`)."))
    spreads, pairs = [], _by_pair(rows)
    for (layout, alloc), rs in pairs.items():
        live = [float(r["bytes_per_ant_rss_live"]) for r in rs if r["timing_only"] == "1"]
        if len(live) > 1:
            spreads.append((layout, alloc, (max(live) - min(live)) * int(rs[0]["n"]) / PAGE,
                            int(rs[0]["n"])))
    if spreads:
        within = [s for s in spreads if round(s[2]) <= 1]
        text = (f"- **RSS live across release timings** (the settings that change when an allocator "
                f"returns memory, not where it puts blocks): within 1 page for {len(within)} of "
                f"{len(spreads)} pairs")
        if len(within) < len(spreads):
            text += "; " + ", ".join(f"{l}/{a} {p:,.0f}" for l, a, p, _ in spreads if round(p) > 1) + " pages apart."
            ranges = live_ranges or {}
            known = [(l, a, p, (ranges[(l, a)][1] - ranges[(l, a)][0]) * n / PAGE)
                     for l, a, p, n in spreads
                     if (l, a) in ranges and ranges[(l, a)][1] is not None and ranges[(l, a)][2] == n]
            if known:
                inside = [k for k in known if k[2] <= k[3] + 1]
                text += (f" Against a rerun: {len(inside)} of {len(known)} pairs stay within the spread "
                         f"their RSS live shows over the main run's repetitions (fresh processes, the "
                         f"same default settings: up to {max(k[3] for k in known):,.0f} pages)"
                         + ("." if len(inside) == len(known) else
                            "; beyond it: " + ", ".join(f"{l}/{a} ({p:,.0f} against {r:,.0f})"
                                                        for l, a, p, r in known if p > r + 1) + "."))
            moved = []
            for l, a, p, n in spreads:
                rs = [r for r in pairs[(l, a)] if r["timing_only"] == "1"
                      and r.get("bytes_per_ant_growth_untouched")]
                if round(p) > 1 and len(rs) > 1:
                    u = [float(r["bytes_per_ant_growth_untouched"]) for r in rs]
                    moved.append(f"{l}/{a} {(max(u) - min(u)) * n / PAGE:,.0f}")
            text += (" Each figure is read after the allocator returned every free page, so a "
                     "difference between settings is in what the live colony holds, not memory left "
                     "unreturned"
                     + (f". In the same runs the live arrays' untouched spare capacity (requested, never "
                        f"resident: `growth_untouched`) moved by {', '.join(moved)} pages: where the two "
                        "move together, the setting decided whether growing arrays landed on recycled "
                        "dirty pages (resident) or on clean ones." if moved else "."))
        else:
            text += "."
        out.append(text)
    return out


def overhead_sentences(rows):
    """What a fault record costs and how many pairs meet the overhead goal."""
    if not rows:
        return []
    out = []
    per_record = [float(r["ns_per_fault_record"]) for r in rows if r.get("ns_per_fault_record")]
    kernel = [float(r["kernel_records_ratio"]) for r in rows]
    total = [float(r["sampled_over_unsampled"]) for r in rows]
    if per_record:
        out.append(f"- **One fault record** costs a median of {statistics.median(per_record):,.0f} ns "
                   f"({_span(per_record)} ns over the {len(per_record)} pairs: the kernel's part of "
                   f"sampled / unsampled time, per record); that part is {_span(kernel, '{:.2f}')}x.")
    met = [r for r in rows if float(r["sampled_over_unsampled"]) <= OVERHEAD_GOAL]
    out.append(f"- **Goal: sampled / unsampled ≤ {OVERHEAD_GOAL}**: met for {len(met)} of {len(rows)} "
               f"pairs" + (f" ({', '.join(r['layout'] + '/' + r['allocator'] for r in met)})" if met else "")
               + f"; the ratios are {_span(total, '{:.2f}')}. Times therefore come from the unsampled runs.")
    return out


def remainder_sentence(rows):
    """The breakdown's check that can fail: resident after the purge, not in use."""
    live = [r for r in rows if r.get("live_not_in_use")]
    if not live:
        return []
    top = max(live, key=lambda r: float(r["live_not_in_use"]))
    return [f"- **Not in use after the purge** (the breakdown's check): at most "
            f"{float(top['live_not_in_use']):.3f} B/ant ({top['layout']}/{top['allocator']}), "
            f"against a bound of 0.5 % of RSS + 64 pages."]


def stride_sentences(rows):
    """What the curve's stride costs: stride-cost.csv (overhead.py)."""
    if not rows:
        return []
    by_stride = defaultdict(list)
    for r in rows:
        by_stride[int(r["stride"])].append(float(r["over_kernel_records_only"]))
    parts = [f"{'every change point' if s == 1 else f'every {s:,} iterations'}: "
             f"{_span(v, '{:.2f}')}x (median {statistics.median(v):.2f}x)"
             for s, v in sorted(by_stride.items())]
    return [f"- **The curve's stride**: the sampled run over the run that pays only the kernel's "
            f"records, under {rows[0]['allocator']}, with a row kept at {'; at '.join(parts)}. "
            f"The driver's default is run-all's stride, N/2000; `--curve-stride 1` buys the exact "
            f"curve at that cost (its rows are formatted inside the measured process)."]
