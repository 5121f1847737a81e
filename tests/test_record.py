#!/usr/bin/env python3
"""Record files (scripts/record.py, records/*.toml): every example is read;
every kind of bad file is refused in one line naming the file, its line and
the fault, with exit 1; and the slots and slots_packed structs the script
lays out field by field are the compiler's own (offsetof, sizeof, alignof of
the C it emits), for every example and a record with every type; the
generator's choices are the same in C and Python, with exact counts; and the
byte model of records/ant.toml is the hand-written layouts', block for block.

usage: test_record.py SOURCE_ROOT CC ANTMEM_RECORD_GEN ANTMEM_PLAN"""
import glob
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = CC = GEN = PLAN = None


def script():
    return os.path.join(ROOT, "scripts", "record.py")


def record_py(*args):
    return subprocess.run([sys.executable, script(), *args], capture_output=True, text=True)


def examples():
    return sorted(glob.glob(os.path.join(ROOT, "records", "*.toml")))


EVERY_TYPE = """name = "every"
n = 10
[[field]]
name = "flag"
type = "bool"
[[field]]
name = "big"
type = "u64"
presence = 0.5
[[field]]
name = "tiny"
type = "i8"
presence = 0.25
[[field]]
name = "text"
type = "string"
length = { weights = { 3 = 1, 30 = 2 } }
presence = 0.5
[[field]]
name = "half"
type = "i16"
[[field]]
name = "ratio"
type = "f32"
[[field]]
name = "wide"
type = "f64"
presence = 0.9
[[field]]
name = "count"
type = "u32"
[[field]]
name = "small"
type = "u8"
[[field]]
name = "delta"
type = "i64"
[[field]]
name = "code"
type = "i32"
[[field]]
name = "port"
type = "u16"
"""


class Examples(unittest.TestCase):
    def test_every_example_is_read(self):
        names = [os.path.basename(p) for p in examples()]
        for expected in ("ant.toml", "order.toml", "log_event.toml", "profile.toml"):
            self.assertIn(expected, names)
        p = record_py("check", *examples())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("records/ant.toml: record ant, 3 fields, n = 500,000", p.stdout)
        self.assertIn("record profile, 24 fields", p.stdout)


class BadFiles(unittest.TestCase):
    """Each fault in a copy of a good file: one line, the right line number."""

    def refuse(self, text, line, words):
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write(text)
        try:
            p = record_py("check", f.name)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertEqual(p.stdout, "", "nothing printed for a bad file")
            self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
            self.assertTrue(p.stderr.startswith(f"record.py: {f.name}:{line}: "), p.stderr)
            self.assertIn(words, p.stderr)
        finally:
            os.unlink(f.name)

    def test_each_fault_named_with_its_line(self):
        good = 'name = "order"\nn = 100\n\n[[field]]\nname = "id"\ntype = "u64"\n\n' \
               '[[field]]\nname = "symbol"\ntype = "string"\nlength = { fixed = 4 }\nshared = 50\n'
        cases = [
            (good.replace('type = "u64"', 'type = "u128"'), 6, "unknown type 'u128'"),
            (good.replace('name = "symbol"', 'name = "id"'), 9, "duplicate field 'id' (the first is field 1)"),
            (good.replace("shared = 50", "shared = 50\npresence = 1.5"), 13, "presence 1.5: a probability is from 0 to 1"),
            (good.replace("shared = 50", "shared = 50\npresence = -0.1"), 13, "a probability is from 0 to 1"),
            (good.replace("shared = 50", "shared = 0"), 12, "shared 0: K distinct values, at least 1"),
            ('name = "order"\nn = 100\n', 1, "a record of no fields"),
            (good.replace('name = "order"', 'name = "2fast"'), 1, "name '2fast': not a C identifier"),
            (good.replace('name = "order"', 'name = "struct"'), 1, "not a C identifier"),
            (good.replace('name = "id"', 'name = "my-id"'), 5, "field name 'my-id': not a C identifier"),
            (good.replace("n = 100", "n = 0"), 2, "n 0: not a whole number from 1 to 2147483647"),
            (good.replace("n = 100", "n = 100\ncolour = 1"), 3, "unknown key 'colour'"),
            (good.replace('type = "u64"', 'type = "u64"\nlenght = 3'), 7, "unknown key 'lenght'"),
            (good.replace("length = { fixed = 4 }\n", ""), 8, "a string needs length ="),
            (good.replace("length = { fixed = 4 }", "length = { uniform = [9, 3] }"), 11, "MIN <= MAX"),
            (good.replace('type = "u64"', 'type = "u64"\nshared = 3'), 7, "shared is for strings, not u64"),
            (good.replace("length = { fixed = 4 }", 'length = { sequence = "S" }'), 12, "cannot be shared"),
            (good.replace("length = { fixed = 4 }\nshared = 50", "length = { fixed = 1 }\nshared = 63"), 12,
             "63 distinct values do not fit in these lengths (62 characters)"),
            (good.replace("n = 100", "n = = 100"), 2, "not TOML"),
        ]
        for text, line, words in cases:
            with self.subTest(words=words):
                self.refuse(text, line, words)

    def test_missing_file(self):
        p = record_py("check", "/nonexistent/x.toml")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "record.py: /nonexistent/x.toml: No such file or directory\n")


class StructsAreTheCompilers(unittest.TestCase):
    """struct_layout against offsetof/sizeof/alignof of the emitted C."""

    def compiled_layout(self, path):
        """{struct tag: (sizeof, alignof, {field: offsetof})} by the compiler."""
        p = record_py("c-struct", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        tags = re.findall(r"^struct (\w+) \{", p.stdout, re.M)
        fields = {tag: re.findall(r"^\t[^;]*?(\w+)(?:\[\d+\])?; /\*", body, re.M)
                  for tag, body in re.findall(r"^struct (\w+) \{[^\n]*\n(.*?)^\};", p.stdout, re.M | re.S)}
        prints = []
        for tag in tags:
            prints.append(f'printf("{tag} %zu %zu\\n", sizeof(struct {tag}), _Alignof(struct {tag}));')
            prints += [f'printf("{tag}.{f} %zu\\n", offsetof(struct {tag}, {f}));' for f in fields[tag]]
        source = ("#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n"
                  + p.stdout + "\nint main(void)\n{\n" + "\n".join(prints) + "\nreturn 0;\n}\n")
        with tempfile.TemporaryDirectory() as tmp:
            c, exe = os.path.join(tmp, "layout.c"), os.path.join(tmp, "layout")
            with open(c, "w") as f:
                f.write(source)
            built = subprocess.run([CC, "-std=c11", "-Wall", "-Werror", "-o", exe, c], capture_output=True, text=True)
            self.assertEqual(built.returncode, 0, built.stderr + source)
            out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
        found = {}
        for line in out.splitlines():
            name, *numbers = line.split()
            if "." in name:
                tag, field = name.split(".")
                found[tag][2][field] = int(numbers[0])
            else:
                found[name] = (int(numbers[0]), int(numbers[1]), {})
        return found

    def test_offsets_sizes_and_alignment_are_the_compilers(self):
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import record
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write(EVERY_TYPE)
        try:
            for path in examples() + [f.name]:
                rec = record.load(path)
                compiled = self.compiled_layout(path)
                for packed in (False, True):
                    tag = f"{rec['name']}_{'slots_packed' if packed else 'slots'}"
                    rows, size, align = record.struct_layout(rec, packed)
                    with self.subTest(record=os.path.basename(path), struct=tag):
                        self.assertEqual((size, align), compiled[tag][:2])
                        self.assertEqual({r[0]: r[2] for r in rows}, compiled[tag][2])
                        if packed:  # no hole but at the end
                            self.assertTrue(all(r[5] == 0 for r in rows), rows)
                            plain = record.struct_layout(rec)[1]
                            self.assertLessEqual(size, plain)
        finally:
            os.unlink(f.name)


class GeneratorAgrees(unittest.TestCase):
    """The choices the C generator makes (bench/records/record_gen.c, through
    antmem-record-gen) are scripts/record.py's, one by one; and record.py's
    closed-form counts over the first N are the tally of those choices, exact,
    at N inside the first block, at a block's end and past several blocks."""

    def test_c_and_python_choose_alike_and_counts_are_exact(self):
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import record
        cases = [(1, 0, "length", [1] * 181), (42, 3, "presence", [700, 300]), (42, 4, "presence", [1000, 0]),
                 (7, 2, "value", [1] * 5000), (9, 1, "length", [3, 2]), (0, 23, "value-length", [5, 1, 9])]
        for seed, field, purpose, weights in cases:
            width = sum(weights)
            for n in sorted({1, width // 3, width, 3 * width + width // 2}):
                with self.subTest(purpose=purpose, weights=len(weights), n=n):
                    p = subprocess.run([GEN, str(seed), str(field), str(record.PURPOSE[purpose]), str(n),
                                        ",".join(map(str, weights))], capture_output=True, text=True, check=True)
                    got = [int(x) for x in p.stdout.split()]
                    expected = []
                    for block in range(n // width + 1):
                        expected += record.block_order(seed, field, purpose, block, weights)
                    self.assertEqual(got, expected[:n], "C and Python make the same choices")
                    tally = [got.count(k) for k in range(len(weights))]
                    self.assertEqual(record.counts(seed, field, purpose, weights, n), tally)

    def test_presence_counts_are_the_draws_tally(self):
        """Each field in its exact share; and how many records have f fields
        (a dict's table size) is the tally of the per-record draws."""
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import record
        rec = record.load(os.path.join(ROOT, "records", "profile.toml"))
        for n in (999, 1000, 4321):
            order = []
            for block in range(n // 1000 + 1):
                order += record.block_order(5, 0, "presence", block, [1] * 1000)
            per_record = [[record.present_in(rec, j, u, 5) for j in range(len(rec["fields"]))] for u in order[:n]]
            self.assertEqual(record.having(rec, 5, n), [sum(r[j] for r in per_record) for j in range(len(rec["fields"]))])
            tally = {}
            for r in per_record:
                tally[sum(r)] = tally.get(sum(r), 0) + 1
            self.assertEqual(record.fields_present(rec, 5, n), tally)
            if n % 1000 == 0:
                for j, f in enumerate(rec["fields"]):
                    self.assertEqual(record.having(rec, 5, n)[j], round(f["presence"] * n), f["name"])

    def test_sequence_lengths(self):
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import record
        for n in (1, 10, 11, 999, 1000, 123457):
            lengths = {}
            for i in range(n):
                lengths[len(f"W{i}")] = lengths.get(len(f"W{i}"), 0) + 1
            self.assertEqual(record.sequence_lengths("W", n), lengths)


class ModelOfTheAnt(unittest.TestCase):
    """scripts/record_model.py on records/ant.toml: the blocks of every
    layout the seed's ant has by hand (layouts/*.c, through antmem-plan) are
    the generic model's, block for block, live and freed, at five N; so its
    requested and usable bytes are theirs under every allocator."""

    def test_blocks_are_the_hand_written_layouts(self):
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        import model
        import record
        import record_model
        ant = record.load(os.path.join(ROOT, "records", "ant.toml"))
        build = os.path.dirname(os.path.dirname(PLAN))
        for n in (1, 17, 1000, 123457, 2000000):
            hand = model.plan(build, n)
            both = sorted(set(hand) & set(record_model.LAYOUTS))  # the registry's, also generated
            self.assertGreaterEqual(len(both), 5, both)
            for layout in both:
                with self.subTest(n=n, layout=layout):
                    ours = record_model.plan_layout(layout, ant, n)
                    merged = lambda blocks: sorted((s, sum(c for s2, c in blocks if s2 == s)) for s in {s for s, _ in blocks})
                    self.assertEqual(merged(ours.blocks), merged(hand[layout][0]))
                    self.assertEqual(sorted(ours.freed), sorted(hand[layout][1]))
            self.assertEqual(record_model.plan_layout("slots_packed", ant, n).blocks,
                             record_model.plan_layout("slots", ant, n).blocks, "three pointers: nothing to pack")

    def test_prediction_from_the_file_alone_in_under_a_second(self):
        for path in examples():
            start = time.time()
            p = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "record_model.py"), path,
                                "--n", "1000", "--n", "1000000000"], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertLess(time.time() - start, 1.0, path)
            self.assertEqual(len(p.stdout.splitlines()), 1 + 2 * 6, p.stdout)


if __name__ == "__main__":
    ROOT, CC, GEN, PLAN = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    del sys.argv[1:5]
    unittest.main(verbosity=2)
