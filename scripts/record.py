#!/usr/bin/env python3
"""A record file (records/*.toml): your own record, described once, read and
checked whole; and the C structs its slots layouts are made of.

The format (records/ant.toml is the seed's Ant; README "Your own record"):
  name = "order"            the record's name: a C identifier
  n = 10000000              the default number of records
  [[field]]                 one table per field, in the record's order
  name = "symbol"           a C identifier, once per record
  type = "string"           bool, i8 i16 i32 i64, u8 u16 u32 u64, f32 f64, string
  length = { ... }          strings only: { fixed = L }, { uniform = [MIN, MAX] },
                            { weights = { L = W, ... } } (lengths with relative
                            weights), or { sequence = "P" } (P and the record's
                            index: the seed's ids W0, W1, ...)
  shared = K                strings only: one of K distinct values shared
                            among all records (as the seed's role), instead of
                            each record's own
  presence = P              an optional field, present in a share P (0 to 1)
                            of the records (default 1: always)

usage: record.py check FILE...        check each file: one line per fault, exit 1
       record.py struct FILE          the slots and slots_packed structs, field by
                                      field: offset, size, alignment, padding
       record.py c-struct FILE        the same as C declarations (for the compiler
                                      to confirm, and for the generated layouts)
Standard library only (tomllib). Exit status: 0; 1 a record file is bad (one
line naming the file, its line and the fault; nothing written); 2 bad arguments."""
import os
import re
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from antmem_results import tool_parser  # noqa: E402

# type: (C type, size, alignment) on x86-64 and every LP64 ABI the suite runs on
TYPES = {"bool": ("bool", 1, 1), "i8": ("int8_t", 1, 1), "u8": ("uint8_t", 1, 1),
         "i16": ("int16_t", 2, 2), "u16": ("uint16_t", 2, 2), "i32": ("int32_t", 4, 4),
         "u32": ("uint32_t", 4, 4), "i64": ("int64_t", 8, 8), "u64": ("uint64_t", 8, 8),
         "f32": ("float", 4, 4), "f64": ("double", 8, 8),
         # a string field in a struct is a pointer: to the record's own bytes,
         # or to the one shared copy of its value
         "string": ("const char *", 8, 8)}
LENGTH_KINDS = ("fixed", "uniform", "weights", "sequence")
TOP_KEYS = {"name", "n", "field"}
FIELD_KEYS = {"name", "type", "length", "shared", "presence"}
MAX_N = 2 ** 31 - 1      # the driver's limit (soa's 32-bit offsets)
MAX_LENGTH = 1 << 20     # a string of a MiB is a blob, not a field
C_WORDS = set("""auto break case char const continue default do double else enum extern float for
goto if inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while bool true false""".split())
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
BUILT_IN_SCENARIOS = ("colony", "lazy", "chunked")  # bench/scenarios/
ALPHABET = 62            # the generator's characters: letters and digits
MAX_BLOCK = 1 << 20      # the longest block of the generator (below)
PRESENCE_BLOCK = 1000    # presence is exact per 1,000 records (P to 0.001)


class RecordError(Exception):
    """One line: "FILE:LINE: the fault"."""


def lines_of(text):
    """Where each thing was written: {("top", key): line, (i, key): line,
    (i, None): line of the i-th [[field]]} (tomllib keeps no positions)."""
    where, field = {}, None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split("#", 1)[0].strip()
        if stripped == "[[field]]":
            field = 0 if field is None else field + 1
            where[(field, None)] = number
            continue
        m = re.match(r"([A-Za-z0-9_\"-]+)\s*=", stripped)
        if m:
            where.setdefault(("top" if field is None else field, m.group(1).strip('"')), number)
    return where


def load(path):
    """The record of path, checked whole: {"name", "n", "fields": [{"name",
    "type", "length", "shared", "presence"}]}; RecordError for the first fault."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise RecordError(f"{path}: {e.strerror}") from None
    try:
        text = raw.decode("utf-8")
        doc = tomllib.loads(text)
    except UnicodeDecodeError:
        raise RecordError(f"{path}:1: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column \d+\)", str(e))
        where = m.group(1) if m else "1"
        raise RecordError(f"{path}:{where}: not TOML: {re.sub(r' [(]at line.*', '', str(e))}") from None
    where = lines_of(text)

    def fail(key, problem):
        raise RecordError(f"{path}:{where.get(key, where.get((key[0], None), 1))}: {problem}")

    for key in doc:
        if key not in TOP_KEYS:
            fail(("top", key), f"unknown key '{key}' (the record has name, n and [[field]] tables)")
    name = doc.get("name")
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name) or name in C_WORDS:
        fail(("top", "name"), f"name {name!r}: not a C identifier (letters, digits and _, not a C keyword)")
    if name in BUILT_IN_SCENARIOS:  # the record's name is its scenario's (antmem --scenario NAME)
        fail(("top", "name"), f"name {name!r}: a scenario of the driver's already")
    n = doc.get("n")
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_N:
        fail(("top", "n"), f"n {n!r}: not a whole number from 1 to {MAX_N}")
    fields = doc.get("field")
    if not isinstance(fields, list) or not fields:
        fail(("top", "name"), "a record of no fields (add [[field]] tables)")
    seen, out = {}, []
    for i, f in enumerate(fields):
        out.append(check_field(i, f, seen, lambda key, problem, i=i: fail((i, key), problem)))
    return {"name": name, "n": n, "fields": out, "path": path}


def check_field(i, f, seen, fail):
    for key in f:
        if key not in FIELD_KEYS:
            fail(key, f"unknown key '{key}' (a field has name, type, length, shared, presence)")
    name = f.get("name")
    if not isinstance(name, str) or not IDENTIFIER.fullmatch(name) or name in C_WORDS:
        fail("name", f"field name {name!r}: not a C identifier (letters, digits and _, not a C keyword)")
    if name in seen:
        fail("name", f"duplicate field '{name}' (the first is field {seen[name] + 1})")
    seen[name] = i
    typ = f.get("type")
    if typ not in TYPES:
        fail("type", f"field '{name}': unknown type {typ!r} (one of {', '.join(TYPES)})")
    presence = f.get("presence", 1)
    if isinstance(presence, bool) or not isinstance(presence, (int, float)) or not 0 <= presence <= 1:
        fail("presence", f"field '{name}': presence {presence!r}: a probability is from 0 to 1")
    if abs(presence * PRESENCE_BLOCK - round(presence * PRESENCE_BLOCK)) > 1e-9:
        fail("presence", f"field '{name}': presence {presence!r}: to 0.001 at most (it is exact per "
                         f"{PRESENCE_BLOCK:,} records)")
    field = {"name": name, "type": typ, "presence": float(presence), "length": None, "shared": None}
    if typ != "string":
        for key in ("length", "shared"):
            if key in f:
                fail(key, f"field '{name}': {key} is for strings, not {typ}")
        return field
    field["length"] = check_length(name, f.get("length"), fail)
    shared = f.get("shared")
    if shared is not None:
        if isinstance(shared, bool) or not isinstance(shared, int) or shared < 1:
            fail("shared", f"field '{name}': shared {shared!r}: K distinct values, at least 1")
        kind, spec = field["length"]
        if kind == "sequence":
            fail("shared", f"field '{name}': a sequence (each record's index) cannot be shared")
        lengths = [spec] if kind == "fixed" else range(spec[0], spec[1] + 1) if kind == "uniform" else \
            [length for length, _ in spec]
        if sum(ALPHABET ** length for length in lengths) < shared:
            fail("shared", f"field '{name}': {shared} distinct values do not fit in these lengths "
                           f"({ALPHABET} characters)")
        field["shared"] = shared
    return field


def check_length(name, length, fail):
    """(kind, spec): ("fixed", L), ("uniform", (MIN, MAX)), ("weights",
    [(L, W), ...]) or ("sequence", PREFIX)."""
    def whole(v, low=0):
        return isinstance(v, int) and not isinstance(v, bool) and low <= v <= MAX_LENGTH
    if not isinstance(length, dict) or len(length) != 1 or next(iter(length)) not in LENGTH_KINDS:
        fail("length", f"field '{name}': a string needs length = {{ fixed = L }}, {{ uniform = [MIN, MAX] }}, "
                       "{ weights = { L = W, ... } } or { sequence = \"PREFIX\" }")
    (kind, spec), = length.items()
    if kind == "fixed" and whole(spec):
        return kind, spec
    if kind == "uniform" and isinstance(spec, list) and len(spec) == 2 and all(map(whole, spec)) \
            and spec[0] <= spec[1]:
        return kind, tuple(spec)
    if kind == "weights" and isinstance(spec, dict) and spec:
        pairs = []
        for k, w in spec.items():
            if not (k.isdigit() and whole(int(k))) or not whole(w, 1) or w > MAX_BLOCK:
                break
            pairs.append((int(k), w))
        else:
            if sum(w for _, w in pairs) <= MAX_BLOCK:
                return kind, sorted(pairs)
    if kind == "sequence" and isinstance(spec, str) and len(spec) <= 64 and spec.isprintable():
        return kind, spec
    fail("length", f"field '{name}': length {length!r}: fixed a whole number, uniform [MIN, MAX] with "
                   f"MIN <= MAX, weights {{ length = whole weight }} (at most {MAX_BLOCK:,} in all), "
                   f"sequence a short prefix (lengths 0 to {MAX_LENGTH})")


# The generator: what each record holds, decided from the record file and a
# seed, the same in C (bench/records/record_gen.c) and here, so that its bytes
# can be counted for any N without making the records. Every choice is a
# block of W slots holding each outcome exactly its weight's number of times,
# in an order shuffled per block (Fisher-Yates driven by splitmix64): among
# the first N choices each outcome comes (N // W) * weight times plus its
# count in the first N % W slots of one block, exact, in O(W).
#   presence      one draw per record, u in 0..999 (W = 1,000, each once); the
#                 field j of presence P is there when (u + offset_j) % 1000 <
#                 round(1000 P), offset_j a hash of j: each field in exactly
#                 its share of records, and the fields a record has (which
#                 sizes a dict's table) counted exactly from the draws alone
#   own string    the k-th record that has the field takes length choice k:
#                 uniform [A, B]: W = B - A + 1, each length once; weights:
#                 each length its weight; fixed: W = 1; sequence P: P and k
#                 in decimal (the seed's W0, W1, ...)
#   shared string the k-th record that has it takes value choice k (W = K,
#                 each value once); value v's length is length choice v
MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
PURPOSE = {"presence": 1, "length": 2, "value": 3, "value-length": 4}


def mix64(x):
    """splitmix64's finaliser (Steele, Lea, Flood 2014)."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & MASK
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & MASK
    return x ^ (x >> 31)


def block_order(seed, field, purpose, block, weights):
    """The outcomes (indexes into weights) of one block, in their shuffled order."""
    slots = [k for k, w in enumerate(weights) for _ in range(w)]
    state = mix64(seed ^ mix64((field << 8 | PURPOSE[purpose]) ^ mix64(block + GOLDEN & MASK)))
    for i in range(len(slots) - 1, 0, -1):
        state = state + GOLDEN & MASK
        j = mix64(state) % (i + 1)
        slots[i], slots[j] = slots[j], slots[i]
    return slots


def counts(seed, field, purpose, weights, n):
    """How many of the first n choices fall on each outcome: exact."""
    width = sum(weights)
    out = [w * (n // width) for w in weights]
    for k in block_order(seed, field, purpose, n // width, weights)[:n % width]:
        out[k] += 1
    return out


def presence_offset(seed, j):
    return mix64(seed ^ mix64(j + 1)) % PRESENCE_BLOCK


def draws(seed, n):
    """How many of the first n records drew u, for u in 0..999."""
    return counts(seed, 0, "presence", [1] * PRESENCE_BLOCK, n)


def present_in(record, j, u, seed):
    """Whether a record that drew u has field j."""
    f = record["fields"][j]
    return (u + presence_offset(seed, j)) % PRESENCE_BLOCK < round(f["presence"] * PRESENCE_BLOCK)


def having(record, seed, n):
    """[records among the first n that have field j, for each j]."""
    du = draws(seed, n)
    return [sum(c for u, c in enumerate(du) if present_in(record, j, u, seed))
            for j in range(len(record["fields"]))]


def fields_present(record, seed, n):
    """{f: records among the first n that have exactly f fields}."""
    out = {}
    for u, c in enumerate(draws(seed, n)):
        if c:
            f = sum(present_in(record, j, u, seed) for j in range(len(record["fields"])))
            out[f] = out.get(f, 0) + c
    return out


def length_choices(field):
    """(lengths, weights) of a string's length, sequence excepted."""
    kind, spec = field["length"]
    if kind == "fixed":
        return [spec], [1]
    if kind == "uniform":
        return list(range(spec[0], spec[1] + 1)), [1] * (spec[1] - spec[0] + 1)
    return [length for length, _ in spec], [w for _, w in spec]


def sequence_lengths(prefix, n):
    """{length: count} of prefix + k for k in 0 .. n-1."""
    out, low = {}, 0
    for digits in range(1, 21):
        high = 10 ** digits
        if n > low:
            out[len(prefix) + digits] = min(n, high) - low
        low = high
    return out


def own_lengths(field, j, seed, m):
    """{length: count} of an own string field's first m values."""
    kind, spec = field["length"]
    if kind == "sequence":
        return sequence_lengths(spec, m)
    lengths, weights = length_choices(field)
    return {length: c for length, c in zip(lengths, counts(seed, j, "length", weights, m)) if c}


def shared_lengths(field, j, seed, m):
    """{length: count} of the distinct values the first m records having the
    shared field j use: all K once m >= K, else the first m of value block 0."""
    k = field["shared"]
    used = range(k) if m >= k else block_order(seed, j, "value", 0, [1] * k)[:m]
    lengths, weights = length_choices(field)
    width, blocks, out = sum(weights), {}, {}
    for v in used:
        if v // width not in blocks:
            blocks[v // width] = block_order(seed, j, "value-length", v // width, weights)
        length = lengths[blocks[v // width][v % width]]
        out[length] = out.get(length, 0) + 1
    return out


def struct_layout(record, packed=False):
    """The record's slots struct: [(field name, C type, offset, size, align,
    padding before it)], its size and alignment. Fields in declared order
    (packed: by alignment, largest first, ties in declared order: no hole
    but at the end), then one presence bit per optional field that is not a
    string (an absent string is a NULL pointer), in the bytes of `present`."""
    fields = [(f["name"], *TYPES[f["type"]]) for f in record["fields"]]
    flags = sum(1 for f in record["fields"] if f["presence"] < 1 and f["type"] != "string")
    if flags:
        fields.append(("present", f"uint8_t[{(flags + 7) // 8}]", (flags + 7) // 8, 1))
    if packed:
        fields.sort(key=lambda f: -f[3])  # stable: ties keep their order
    offsets, size, align = place([(s, a) for _, _, s, a in fields])
    rows, end = [], 0
    for (name, ctype, s, a), start in zip(fields, offsets):
        rows.append((name, ctype, start, s, a, start - end))  # padding: from the last field's end
        end = start + s
    return rows, size, align


def place(members):
    """C's layout of [(size, alignment)] in this order: ([offset], size,
    alignment) of the struct (each member at the next multiple of its
    alignment, the size rounded up to the largest)."""
    offsets, offset, align = [], 0, 1
    for size, a in members:
        offset = (offset + a - 1) // a * a
        offsets.append(offset)
        offset, align = offset + size, max(align, a)
    return offsets, (offset + align - 1) // align * align, align


def c_struct(record, packed=False):
    """The C declaration of struct_layout's struct, with its layout in comments."""
    rows, size, align = struct_layout(record, packed)
    tag = f"{record['name']}_{'slots_packed' if packed else 'slots'}"
    lines = [f"struct {tag} {{ /* {size} B, aligned to {align} */"]
    for name, ctype, offset, sz, _, pad in rows:
        base, _, count = ctype.partition("[")  # "uint8_t[2]" is "uint8_t present[2]"
        decl = f"{base}{'' if base.endswith('*') else ' '}{name}{'[' + count if count else ''}"
        note = f"offset {offset}, {sz} B" + (f", after {pad} B of padding" if pad else "")
        lines.append(f"\t{decl}; /* {note} */")
    lines.append("};")
    return "\n".join(lines)


def print_struct(record):
    for packed in (False, True):
        rows, size, align = struct_layout(record, packed)
        holes = sum(r[5] for r in rows) + size - (rows[-1][2] + rows[-1][3])
        print(f"{record['name']}_{'slots_packed' if packed else 'slots'}: {size} B, aligned to {align}, "
              f"{holes} B of padding")
        print("field,type,offset,size,align,padding_before")
        for name, ctype, offset, sz, a, pad in rows:
            print(f"{name},{ctype},{offset},{sz},{a},{pad}")
        tail = size - (rows[-1][2] + rows[-1][3])
        if tail:
            print(f"(end),,{size - tail},0,,{tail}")


def main():
    parser = tool_parser(__doc__)
    parser.add_argument("command", choices=["check", "struct", "c-struct"])
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args()
    if args.command != "check" and len(args.files) != 1:
        print(f"record.py: {args.command} takes one record file", file=sys.stderr)
        return 2
    bad = 0
    for path in args.files:
        try:
            record = load(path)
        except RecordError as e:
            print(f"record.py: {e}", file=sys.stderr)
            bad += 1
            continue
        if args.command == "check":
            print(f"{path}: record {record['name']}, {len(record['fields'])} fields, n = {record['n']:,}")
        elif args.command == "struct":
            print_struct(record)
        else:
            print(c_struct(record) + "\n\n" + c_struct(record, packed=True))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
