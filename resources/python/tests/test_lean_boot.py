"""The worker's boot stays lean: what it no longer imports at boot, and the stand-ins that
replace those modules (compact_json for json, str checks for re in response.py, ...) behave
exactly as what they replace.

These test the worker's pieces in this interpreter; the import check runs $FORKWATCH_PYTHON.
"""

import json
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The worker package itself: these tests exercise its pieces without a worker process.
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from forkwatch_worker import compact_json  # noqa: E402


def _reference(obj):
    """What the worker sent before compact_json: json.dumps with compact separators."""
    return json.dumps(obj, separators=(",", ":"))


class _Int(int):
    pass


class _Float(float):
    pass


class _Str(str):
    pass


ENCODER_CASES = [
    None, True, False, 0, -1, 2 ** 100, -(2 ** 70), _Int(7),
    0.0, -0.0, 0.1, 1e308, 5e-324, 1 / 3, 1e16, 123456789.125, _Float(2.5),
    float("inf"), float("-inf"), float("nan"),
    "", "plain", "quote \" backslash \\ slash /", "\x00\x01\x1f\x7f\t\n\r\b\f",
    "caf\xe9 \u20ac \u2028\u2029 \U0001f600", "\ud800 lone \udfff surrogates", _Str("sub"),
    [], {}, (), [1, [2, [3, [4, []]]]], (1, "two", 3.0),
    {"a": 1, "b": [1, 2, {"c": None}], "\xe9": "\u20ac"},
    {1: "int key", 2.5: "float key", True: "bool key", None: "none key"},
    {"outcome": "ok", "bytesRead": 0, "bytesSent": 13, "short": False,
     "error": {"type": "ValueError", "message": "bad \u2603", "traceback": "Traceback...\n",
               "filename": "/p/app.py", "lineno": 3}},
    {"stream": "logging", "text": "x" * 70000, "level": "WARNING", "logger": "a.b",
     "time": 1732400000.123456},
    [["wsgi.input", "<RequestInput>"], ["wsgi.multithread", "<bool>"]],
]


class CompactJsonTests(unittest.TestCase):
    def test_same_text_as_json_dumps(self):
        for obj in ENCODER_CASES:
            with self.subTest(obj=repr(obj)[:60]):
                self.assertEqual(compact_json.dumps(obj), _reference(obj))
                self.assertEqual(compact_json.dumps_bytes(obj), _reference(obj).encode("utf-8"))

    def test_output_is_ascii(self):
        self.assertTrue(compact_json.dumps(ENCODER_CASES).isascii())

    def test_fallback_without_the_c_encoder_is_the_same(self):
        saved = compact_json.make_encoder
        compact_json.make_encoder = None
        try:
            dumps = compact_json._make_dumps()
        finally:
            compact_json.make_encoder = saved
        for obj in ENCODER_CASES:
            with self.subTest(obj=repr(obj)[:60]):
                self.assertEqual(dumps(obj), _reference(obj))

    def test_unserializable_raises_the_same_type_error(self):
        for obj in ({1, 2}, {"k": object()}, [b"bytes"]):
            with self.subTest(obj=obj):
                with self.assertRaises(TypeError) as ours:
                    compact_json.dumps(obj)
                with self.assertRaises(TypeError) as theirs:
                    _reference(obj)
                self.assertEqual(str(ours.exception), str(theirs.exception))

    def test_a_failed_encoding_leaves_no_state_behind(self):
        # A circular-reference check with one markers dict for every call would remember
        # `box` after this failure and call the next encoding of it circular.
        box = [[object()]]
        with self.assertRaises(TypeError):
            compact_json.dumps(box)
        box[0] = [1]
        self.assertEqual(compact_json.dumps(box), "[[1]]")

    def test_nan_is_allowed_as_json_dumps_allows_it(self):
        self.assertEqual(compact_json.dumps([math.nan, math.inf]), "[NaN,Infinity]")


if __name__ == "__main__":
    unittest.main()
