#!/usr/bin/env python3
"""The byte model of your own record (records/*.toml): requested and usable
bytes per record for every layout and allocator, at any N, from the record
file alone (nothing is built or run; under a second at N = 10^9).

Each layout holds a record as the seed's ant is held by the layout of the
same name (layouts/*.c), generalised field by field:
  dict         per record a 24-B header and a table of 24-B entries {hash,
               key, value}: 8 slots, doubled while the record's fields pass
               2/3 of them; keys interned once per container; a number sits
               in its value slot (C does not box it), an own string is a
               copy of its own, a shared one points into the values pool
  shared_dict  keys once per container, per record one array of 8 + 8 B per
               usable key slot (2/3 of the keys table, CPython's split dict)
  slots        per record its struct (scripts/record.py struct), in declared
               order; a pointer per record in the container's array
  slots_packed the same struct, fields by alignment (no hole but at the end)
  soa          a column per field: own strings packed (characters without
               NUL, a uint32 end per record), shared strings as codes of the
               narrowest width that holds K (and "absent", when optional),
               numbers in their type's width; a presence bitmap per optional
               field (a shared string's "absent" is a code)
  aos          one array of fixed records, fields by alignment: own strings
               inline when under 16 characters (a 16-B union, a kind byte),
               else a copy of their own; shared strings as soa's codes;
               a presence bit per optional number
Every array grows by doubling from 16 (mem_grow); shared values are interned
once per container: an entry (16 B) for each of the K values of every shared
field, made with the container, and a NUL-terminated copy of a value at its
first use. What a record
holds comes from scripts/record.py's generator (exact counts, no sampling).
For records/ant.toml the blocks are the hand-written layouts' own, block for
block (tests/test_record.py holds them to antmem-plan's).

usage: record_model.py FILE [--n N ...] [--seed S]
Prints n, layout, requested and usable bytes per record under each
allocator (scripts/model.py's size-class rules) and the most glibc may add.
Exit status: 0; 1 a bad record file (one line); 2 bad arguments."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402
import record  # noqa: E402
from antmem_results import tool_parser  # noqa: E402

SEED = 1  # the generator's default seed (bench/records/record_gen.h)
# The containers' C structs (layouts/colony.h's struct colony_head, 48 B: ops,
# count, the values pool and a code), and what each layout adds to it.
HEAD = 48
POOL = 24      # struct intern_pool: entries, count, capacity
COLUMN = 16    # an array's pointer and capacity
ENTRY = 24     # dict's {hash, key, value}
STRV = 16      # an intern pool entry {ptr, len}
DICT_HEADER = 24
MIN_SLOTS = 8  # CPython's PyDict_MINSIZE
INLINE = 15    # aos: characters an own string may have and stay in its record
LAYOUTS = ("dict", "shared_dict", "slots", "slots_packed", "soa", "aos")


def table_slots(fields):
    """A dict table's slots once it holds this many keys: 8, doubled while
    the keys pass 2/3 of it (dict.c's resize rule)."""
    slots = MIN_SLOTS
    while fields * 3 > slots * 2:
        slots *= 2
    return slots


def code_width(field):
    """The narrowest unsigned width that holds a shared field's K codes, and
    one more for "absent" when the field is optional."""
    codes = field["shared"] + (field["presence"] < 1)
    return 1 if codes <= 1 << 8 else 2 if codes <= 1 << 16 else 4


class Plan:
    """Live blocks [(size, count)] and the sizes arrays were freed at while
    they grew (model.py's form)."""

    def __init__(self):
        self.blocks, self.freed, self.arrays = [], [], []

    def block(self, size, count=1):
        if count:
            self.blocks.append((size, count))

    def array(self, need, elem_size):
        if need:
            cap = capacity(need)
            self.blocks.append((elem_size * cap, 1))
            self.freed.extend(model.freed_on_growth(elem_size, cap))
            self.arrays.append(elem_size * cap)

    def strings(self, lengths, nul=True):
        for length, count in sorted(lengths.items()):
            self.block(length + nul, count)


def capacity(need):
    """mem_grow's capacity after growing to hold need elements (plan.c)."""
    cap = 16
    while cap < need:
        cap *= 2
    return cap


def common(plan, rec, n, seed, container, keys, having):
    """The container, its interned keys (dict-like layouts) and shared values."""
    plan.block(container)
    if keys:
        plan.array(len(rec["fields"]), STRV)
        for f in rec["fields"]:
            plan.block(len(f["name"]) + 1)
    # one entry per possible value (the K of every shared field), made at
    # once with the container; a value's string is copied at its first use
    values = {}
    for j, f in enumerate(rec["fields"]):
        if f["shared"]:
            for length, c in record.shared_lengths(f, j, seed, having[j]).items():
                values[length] = values.get(length, 0) + c
    possible = sum(f["shared"] or 0 for f in rec["fields"])
    if possible:
        plan.block(capacity(possible) * STRV)
    plan.strings(values)


def own_strings(plan, rec, seed, having, longer_than=-1, nul=True):
    """Each own string field's values of more than longer_than characters."""
    for j, f in enumerate(rec["fields"]):
        if f["type"] == "string" and not f["shared"]:
            lengths = record.own_lengths(f, j, seed, having[j])
            plan.strings({k: c for k, c in lengths.items() if k > longer_than}, nul)


def aos_record(rec):
    """aos's fixed record: (size, alignment)."""
    parts = []
    for f in rec["fields"]:
        if f["type"] == "string":
            parts.append((8, 16) if not f["shared"] else (code_width(f), code_width(f)))
        else:
            _, size, align = record.TYPES[f["type"]]
            parts.append((align, size))
    # a kind byte per own string (inline, own copy or absent); a presence bit
    # per optional number (a shared string has its "absent" code)
    kinds = sum(1 for f in rec["fields"] if f["type"] == "string" and not f["shared"])
    flags = sum(1 for f in rec["fields"] if f["presence"] < 1 and f["type"] != "string")
    parts += [(1, 1)] * kinds + [(1, 1)] * ((flags + 7) // 8)
    parts.sort(key=lambda p: -p[0])
    _, size, align = record.place([(size, a) for a, size in parts])
    return size, align


def plan_layout(layout, rec, n, seed=SEED):
    plan = Plan()
    having = record.having(rec, seed, n)
    fields = rec["fields"]
    if layout == "dict":
        common(plan, rec, n, seed, HEAD + COLUMN + POOL, True, having)
        plan.array(n, 8)
        plan.block(DICT_HEADER, n)
        for f, c in sorted(record.fields_present(rec, seed, n).items()):
            plan.block(table_slots(f) * ENTRY, c)
        own_strings(plan, rec, seed, having)
    elif layout == "shared_dict":
        common(plan, rec, n, seed, HEAD + COLUMN + POOL + 8, True, having)
        plan.array(n, 8)
        plan.block(8 + table_slots(len(fields)) * 2 // 3 * 8, n)
        own_strings(plan, rec, seed, having)
    elif layout in ("slots", "slots_packed"):
        common(plan, rec, n, seed, HEAD + COLUMN, False, having)
        plan.array(n, 8)
        plan.block(record.struct_layout(rec, layout == "slots_packed")[1], n)
        own_strings(plan, rec, seed, having)
    elif layout == "soa":
        # a bitmap per optional field but shared strings (their "absent" code)
        bitmaps = [f for f in fields if f["presence"] < 1 and not f["shared"]]
        optional = len(bitmaps)
        own = sum(1 for f in fields if f["type"] == "string" and not f["shared"])
        common(plan, rec, n, seed, HEAD + COLUMN * (len(fields) + optional) + 24 * own, False, having)
        for j, f in enumerate(fields):
            if f["type"] == "string" and not f["shared"]:
                lengths = record.own_lengths(f, j, seed, having[j])
                plan.array(sum(k * c for k, c in lengths.items()), 1)
                plan.array(n, 4)
            elif f["type"] == "string":
                plan.array(n, code_width(f))
            else:
                plan.array(n, record.TYPES[f["type"]][1])
        for f in bitmaps:
            plan.array((n + 7) // 8, 1)
    elif layout == "aos":
        common(plan, rec, n, seed, HEAD + COLUMN, False, having)
        plan.array(n, aos_record(rec)[0])
        own_strings(plan, rec, seed, having, longer_than=INLINE)
    else:
        raise ValueError(layout)
    return plan


def predict(rec, n, seed=SEED):
    """{layout: {"requested", allocator..., "glibc_slack"}} in bytes for n records."""
    planned = {layout: (p.blocks, p.freed, p.arrays) for layout in LAYOUTS
               for p in [plan_layout(layout, rec, n, seed)]}
    return model.predict(None, n, planned)


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--n", type=int, action="append", help="records (repeatable; default the file's n)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"the generator's seed (default {SEED})")
    args = parser.parse_args()
    try:
        rec = record.load(args.file)
    except record.RecordError as e:
        print(f"record_model.py: {e}", file=sys.stderr)
        return 1
    sizes = args.n or [rec["n"]]
    if any(not 1 <= n <= record.MAX_N for n in sizes) or not 0 <= args.seed < 1 << 64:
        print(f"record_model.py: --n is 1 to {record.MAX_N}, --seed 0 to 2^64 - 1", file=sys.stderr)
        return 2
    print("record,n,layout,requested_per_record," +
          ",".join(f"{a}_usable_per_record" for a in model.ALLOCATORS) + ",glibc_slack_per_record")
    for n in sizes:
        for layout, t in predict(rec, n, args.seed).items():
            print(f"{rec['name']},{n},{layout},{t['requested'] / n:.4f}," +
                  ",".join(f"{t[a] / n:.4f}" for a in model.ALLOCATORS) + f",{t['glibc_slack'] / n:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
