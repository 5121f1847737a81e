"""Where each byte of an ant goes: the colony's RSS per ant split into
components that are each a difference of two measured figures, so that they
sum to the measured RSS and none is a guess. Used by report.py (the CSV, the
tables) and compare.py (which component moved). Standard library only.

From the bottom up, per ant, from one run (the repetition with the median RSS):
  payload, headers_pointers, table_slack, padding, growth_slack  the layout's own sort
      of its requested bytes (colony_ops.account), which must sum to the
      requested bytes counted by layouts/mem.c; growth slack counts only its
      resident part here: pages of spare capacity never touched (mincore) are
      requested but not in RSS, and are listed apart as growth_untouched
  size_class_rounding   usable - requested (malloc_usable_size summed)
  allocator_overhead    in use by the allocator - usable: jemalloc stats.active
      + stats.metadata (free regions of live slabs, thread cache, its own
      bookkeeping); glibc mallinfo2 in-use bytes (8-byte chunk headers)
  resident_not_in_use   RSS - (in use - untouched): freed pages the allocator
      keeps until decay, free chunks, the stack and anything else that grew
  unattributed          only where the allocator reports no in-use figure
      (mimalloc 2.0): RSS - (usable - untouched), the last two together
The components sum to RSS by construction (resident_not_in_use is the
remainder), so that sum cannot fail as a check. What can: the remainder left
once the allocator has returned its free pages (RSS live, after a purge),
live_not_in_use, must stay within LIVE_SLACK of RSS plus LIVE_PAGES: the
code and stack pages a run touches after its baseline and the partly
touched pages at the ends of slabs and arrays; anything above is memory the
measurement does not explain.
Each component is the resident share of its level: where the allocator's
in-use figure exceeds RSS (jemalloc's active counts every page of a slab,
untouched ones too: 31.5 B/ant at 3,000 dict ants, none at 500,000), the
overhead is cut at RSS, resident_not_in_use is 0, and the excess is listed
apart as allocator_not_resident.
All figures are (final - baseline) / ants of a fresh process."""
COMPONENTS = ["payload", "headers_pointers", "table_slack", "padding", "growth_slack", "size_class_rounding",
              "allocator_overhead", "resident_not_in_use", "unattributed"]
LABELS = {"payload": "payload", "headers_pointers": "headers & pointers",
          "table_slack": "table slack", "padding": "padding & inline slack",
          "growth_slack": "growth slack (resident)",
          "size_class_rounding": "size-class rounding", "allocator_overhead": "allocator overhead",
          "resident_not_in_use": "resident, not in use", "unattributed": "allocator + unused (not separable)"}
COLUMNS = ["layout", "allocator", "n", *COMPONENTS, "total_rss", "growth_untouched",
           "allocator_not_resident", "requested", "usable", "allocator_in_use", "repetition",
           "live_not_in_use"]
SUM_TOLERANCE = 0.001  # the 0.1 %, of the total
ROUNDING = 0.0015      # summary cells have 3 decimals: a difference of two is exact to this
LIVE_SLACK = 0.005     # of RSS: partly touched pages at the ends of slabs and arrays
LIVE_PAGES = 64 * 4096  # code and stack pages touched after the baseline (68 KB at N = 1, glibc)


class BreakdownError(Exception):
    pass


def median_run(rows):
    """The repetition whose RSS is the median (the lower one for an even count):
    every component then comes from one real run and they add up."""
    ranked = sorted(rows, key=lambda r: (r["bytes_per_ant_rss"], r["repetition"]))
    return ranked[(len(ranked) - 1) // 2]


def in_use(r):
    """What the allocator says it has in use for the colony, per ant, or None."""
    if r["bytes_per_ant_active"] is not None and r["bytes_per_ant_metadata"] is not None:
        return r["bytes_per_ant_active"] + r["bytes_per_ant_metadata"]
    if r["bytes_per_ant_allocated"] is not None and r["allocator"] != "jemalloc":
        return r["bytes_per_ant_allocated"]  # glibc: in-use chunks, headers included
    return None


def breakdown(entry):
    """One CSV row (dict) for a summary entry, or None when the layout has no
    account (the CPython reference rows)."""
    r = median_run(entry["rows"])
    if r["bytes_per_ant_payload"] is None:
        return None
    untouched = r["bytes_per_ant_growth_untouched"]
    requested, usable, rss = r["bytes_per_ant_requested"], r["bytes_per_ant_usable"], r["bytes_per_ant_rss"]
    used = in_use(r)
    account = {"payload": r["bytes_per_ant_payload"], "headers_pointers": r["bytes_per_ant_headers"],
               "table_slack": r["bytes_per_ant_table_slack"],
               # a summary from before the padding kind: none was counted apart
               "padding": r["bytes_per_ant_padding"] or 0.0,
               "growth_slack": r["bytes_per_ant_growth_slack"] - untouched}
    # Each component is the resident share of one level of the chain
    # requested <= usable <= in use <= RSS, counted from the bottom: every
    # requested byte but the untouched slack was written, so it is resident
    # first. A level above RSS (jemalloc's active counts whole slabs, pages
    # not yet touched included) is cut at RSS, and the cut is listed apart.
    levels = list(account.items())
    levels.append(("size_class_rounding", usable - requested))
    if used is None:
        levels.append(("unattributed", float("inf")))
    else:
        levels += [("allocator_overhead", used - usable), ("resident_not_in_use", float("inf"))]
    row = dict.fromkeys(COMPONENTS)
    level = 0.0
    for name, size in levels:
        row[name] = max(0.0, min(level + size, rss) - min(level, rss)) if size >= 0 else size
        level += size
    row.update(layout=entry["layout"], allocator=entry["allocator"], n=int(r["n"]),
               total_rss=rss, growth_untouched=untouched,
               allocator_not_resident=None if used is None else max(0.0, used - untouched - rss),
               requested=requested, usable=usable, allocator_in_use=used,
               repetition=int(r["repetition"]),
               live_not_in_use=None if used is None or r["bytes_per_ant_rss_purged"] is None else
               max(0.0, r["bytes_per_ant_rss_purged"] - (used - untouched)))
    check(row, sum(account.values()) + untouched)
    return row


def check(row, accounted):
    """The layout's sort of its bytes must add up to the bytes mem.c counted,
    no component may be negative (usable below requested, an allocator
    figure below usable), and the components must sum to the measured RSS."""
    where = f"{row['layout']}/{row['allocator']}"
    if abs(accounted - row["requested"]) > SUM_TOLERANCE * row["requested"] + ROUNDING:
        raise BreakdownError(f"{where}: the layout accounts for {accounted:.3f} B/ant, "
                             f"it requested {row['requested']:.3f}")
    for c in COMPONENTS + ["growth_untouched"]:
        if row[c] is not None and row[c] < -ROUNDING:
            raise BreakdownError(f"{where}: {c} is negative ({row[c]:.3f} B/ant)")
    total = sum(row[c] for c in COMPONENTS if row[c] is not None)
    if abs(total - row["total_rss"]) > SUM_TOLERANCE * row["total_rss"] + ROUNDING:
        raise BreakdownError(f"{where}: components sum to {total:.3f} B/ant, RSS is {row['total_rss']:.3f}")
    live = row["live_not_in_use"]
    bound = LIVE_SLACK * row["total_rss"] + LIVE_PAGES / row["n"]
    if live is not None and live > bound + ROUNDING:
        raise BreakdownError(f"{where}: {live:.3f} B/ant resident after the purge and not in use by "
                             f"the allocator, above the bound of {bound:.3f} (0.5 % of RSS + 64 pages)")


def rows_of(entries):
    return [b for b in map(breakdown, entries) if b is not None]


def cell(v):
    return "" if v is None else (str(v) if isinstance(v, (int, str)) else f"{v:.3f}")


def csv_text(rows):
    return "\n".join([",".join(COLUMNS)] + [",".join(cell(r[c]) for c in COLUMNS) for r in rows]) + "\n"


def table(rows):
    """The README's and REPORT.md's breakdown table (B/ant; "–": not measured)."""
    head = ["layout", "allocator"] + [LABELS[c] for c in COMPONENTS] + [
        "= RSS", "untouched slack (not in RSS)", "allocator pages not resident",
        "not in use after purge (bounded)"]
    out = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for r in rows:
        cells = [r["layout"], r["allocator"]] + ["–" if r[c] is None else f"{r[c]:.2f}" for c in COMPONENTS]
        cells += [f"**{r['total_rss']:.2f}**", f"{r['growth_untouched']:.2f}",
                  "–" if r["allocator_not_resident"] is None else f"{r['allocator_not_resident']:.2f}",
                  "–" if r["live_not_in_use"] is None else f"{r['live_not_in_use']:.2f}"]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def moved(old, new):
    """The components that changed between two breakdowns (rows) of one run,
    largest move first, as "name +x.xx"."""
    deltas = [(c, new[c] - old[c]) for c in COMPONENTS + ["growth_untouched"]
              if old[c] is not None and new[c] is not None]
    deltas = [d for d in deltas if abs(d[1]) >= ROUNDING]
    return [f"{c} {d:+.3f}" for c, d in sorted(deltas, key=lambda d: -abs(d[1]))]
