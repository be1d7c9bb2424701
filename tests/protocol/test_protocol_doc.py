"""PROTOCOL.md stays true: its examples are the golden vectors, its code table the host's codes."""
import json
import os
import re
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


class ProtocolDoc(unittest.TestCase):
    def test_examples_are_the_vectors(self):
        doc = read("PROTOCOL.md")
        blocks = re.findall(r"<!-- vector: (\S+) -->\s*```json\n(.*?)\n```", doc, re.S)
        self.assertGreaterEqual(len(blocks), 3)
        for name, block in blocks:
            with self.subTest(vector=name):
                self.assertEqual(json.loads(block), json.loads(read(os.path.join("tests", "vectors", name))))

    def test_every_error_code_is_documented(self):
        header = read("host/include/bccshield/protocol_error.hpp")
        codes = re.findall(r"= (\d{3}),", header)
        names = re.findall(r'return "([a-z-]+)";', read("host/src/protocol_error.cpp"))
        self.assertGreaterEqual(len(codes), 12)
        doc = read("PROTOCOL.md")
        for code in codes:
            self.assertRegex(doc, rf"\| {code} \| `[a-z-]+` \|", f"code {code} missing from PROTOCOL.md")
        for name in set(names):
            self.assertIn(f"`{name}`", doc)


if __name__ == "__main__":
    unittest.main()
