"""The worker's boot stays lean: what it no longer imports at boot, and the stand-ins that
replace those modules (compact_json for json, str checks for re in response.py, ...) behave
exactly as what they replace.

These test the worker's pieces in this interpreter; the import check runs $FORKWATCH_PYTHON.
"""

import ast
import json
import math
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The worker package itself: these tests exercise its pieces without a worker process.
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import harness  # noqa: E402
from forkwatch_worker import boot, compact_json, response  # noqa: E402

#: Modules the worker must not import at boot (each costs ms; see the commits that dropped them).
NOT_AT_BOOT = ("logging", "traceback", "ast", "json", "re", "threading", "importlib")

#: An app that imports nothing at import time and imports logging only in a request.
#: "/" answers which of NOT_AT_BOOT were loaded when the app was imported (by the worker, or
#: by the interpreter's own startup); "/log" logs in the request that imports logging.
LATE_LOGGING_APP = """
import sys
LOADED = [m for m in %r if m in sys.modules]

def app(environ, start_response):
    if environ["PATH_INFO"] == "/log":
        import logging
        logging.getLogger("late").warning("first %%s", "record")
        body = "%%s %%s %%s" %% (type(logging.__loader__).__name__,
                              logging.__spec__.loader is logging.__loader__,
                              ",".join(type(f).__name__ for f in sys.meta_path))
    else:
        body = ",".join(LOADED)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]
""" % (NOT_AT_BOOT,)


def loaded_at_startup(modules):
    """Which of modules the interpreter under test imports by itself (site, .pth files...)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    out = subprocess.run([harness.PYTHON, "-c", "import sys; print(' '.join(m for m in %r "
                          "if m in sys.modules))" % (modules,)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return set(out.split())


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


#: The checks response.py made with re before (copied verbatim): the reference.
OLD_NAME_OK = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z").match
OLD_BAD_CHAR = re.compile(r"[^\0\t\x20-\x7e\x80-\xff]").search


def _sample_chars():
    """Every code point up to 0x2FF and around the surrogates, and a stride through the rest
    (above 0xFF everything is rejected alike; all 0x110000 would cost the suite a second)."""
    points = set(range(0x300)) | set(range(0xD7F0, 0xE010)) | set(range(0x300, 0x110000, 97))
    points |= {0x2028, 0x2029, 0xFEFF, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF}
    return [chr(p) for p in sorted(points)]


CHARS = _sample_chars()


class HeaderCheckTests(unittest.TestCase):
    """response._token and response._bad_char accept and reject exactly what the regexes did."""

    def setUp(self):
        # Names and statuses that passed once skip the checks: each test starts without them.
        response._known_names.clear()
        response._known_status.clear()
        self.addCleanup(response._known_names.clear)
        self.addCleanup(response._known_status.clear)

    def test_token_check_matches_the_old_regex(self):
        names = ["", "Content-Type", "X-Request-Id", "ETag", "a" * 300, "Name\n", "\nName",
                 "Na me", "Na:me", "X_Y.Z~1", "!#$%&'*+-.^_`|~"]
        for c in CHARS:
            names += [c, "X-" + c, c + "-Y", "Content" + c + "Type", c * 3]
        for name in names:
            if response._token(name) != bool(OLD_NAME_OK(name)):
                self.fail("token check differs for %r" % (name,))

    def test_value_check_matches_the_old_regex(self):
        values = ["", "\0", "\t", "a\0b", "text/plain; charset=utf-8", "caf\xe9" * 10,
                  "x" * 1000 + "\x7f", "x" * 1000 + "\u0100", "\t\xa0\xff ~", "a\r\nSet-Cookie: x"]
        for c in CHARS:
            values += [c, "ab" + c + "cd", "text/plain; " + c, c * 3, "\t" + c, "\xe9" + c]
        for value in values:
            if response._bad_char(value) != bool(OLD_BAD_CHAR(value)):
                self.fail("value check differs for %r" % (value,))

    def outcome(self, status, headers):
        """START text, or the WSGIViolation message."""
        exchange = response.Exchange(None, 1, None, None, None, False)
        try:
            exchange.start_response(status, headers)
        except response.WSGIViolation as exc:
            return str(exc)
        return exchange.start

    def test_start_response_accepts_and_rejects_values_as_before(self):
        wrong = []
        for c in CHARS:
            value = "v" + c + "w"
            headers = [("Content-Type", "text/plain"), ("X-Test", value), ("X-After", "1")]
            got = self.outcome("200 OK", headers)
            if OLD_BAD_CHAR(value) or "\0" in value:
                kind = "is not latin-1" if ord(c) > 0xFF else "contains a control character"
                ok = got.startswith("value of header 'X-Test' " + kind)
            else:
                ok = got == "\0".join(["200 OK", "Content-Type", "text/plain", "X-Test", value,
                                       "X-After", "1"])
            if not ok:
                wrong.append((c, got))
        self.assertEqual(wrong, [])

    def test_start_response_checks_statuses_as_before(self):
        wrong = []
        for c in CHARS[:0x300]:
            status = "299 Reason " + c
            got = self.outcome(status, [])
            if OLD_BAD_CHAR(status) or "\0" in status:
                ok = got.startswith("status %r is not a 3-digit code" % (status,))
            else:
                ok = got == status
            if not ok:
                wrong.append((c, got))
        self.assertEqual(wrong, [])


def _old_parse_spec(spec):
    """boot.parse_spec as it was, ast for every spec (the reference); errors as (stage, info)."""
    module, sep, expr = spec.partition(":")
    module = module.strip()
    expr = expr.strip() if sep else "application"
    if not module or not all(part.isidentifier() for part in module.split(".")):
        return "spec", boot._plain_error("ValueError", "%r is not a module name (expected "
                                         "'module:callable')" % (module,))
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return "spec", boot._plain_error("ValueError", "cannot parse %r: expected a name, a "
                                         "dotted name or a call with literal arguments" % (expr,))
    if isinstance(node, ast.Call):
        path = boot._dotted(node.func)
        try:
            if any(isinstance(a, ast.Starred) for a in node.args) or any(
                    k.arg is None for k in node.keywords):
                raise ValueError("*args/**kwargs")
            args = [ast.literal_eval(a) for a in node.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
        except (ValueError, TypeError, SyntaxError):
            return "spec", boot._plain_error("ValueError", "factory arguments in %r must be "
                                             "literals" % (expr,))
        if path is None:
            return "spec", boot._plain_error("ValueError", "cannot call %r: expected a "
                                             "(dotted) name" % (expr,))
        return module, path, args, kwargs
    path = boot._dotted(node)
    if path is None:
        return "spec", boot._plain_error("ValueError", "%r is not a name or a call" % (expr,))
    return module, path, None, None


class SpecTests(unittest.TestCase):
    """boot.parse_spec resolves plain names without ast, with the same results as before."""

    SPECS = [
        "app", "app:app", "app:application", "pkg.mod:obj.attr", " app : app ", "app:a.b.c",
        "app:_", "app:match", "app:case", "app:type", "app:a.match", "app:print", "app:__debug__",
        "app:None", "app:True", "app:a.None", "app:class", "app:a.if", "app:async", "app:await",
        "app:__peg_parser__", "app:\ufb01le", "app:caf\xe9", "app:\u212bngstrom", "app:a .b",
        "app:a. b", "app:a..b", "app:.a", "app:a.", "app:1a", "app:a.1", "app:a # note",
        "app:(a)", "app:a\\\nb", "app:", "app:\ta", "app:a\t", "app:a b", "app:a[0]",
        "app:f()", "app:f(1, 'x', k=True)", "app:a.b.f(b'hi')", "app:f(x)", "app:f(*a)",
        "app:f(**k)", "app:f()()", "app:1+", "app:a:b", ":app", "a b:app", "app.:x",
    ]

    def parse(self, spec):
        try:
            return boot.parse_spec(spec)
        except boot.BootError as exc:
            return exc.stage, exc.info

    def test_same_results_as_parsing_every_spec_with_ast(self):
        for spec in self.SPECS:
            with self.subTest(spec=spec):
                self.assertEqual(self.parse(spec), _old_parse_spec(spec))

    def test_plain_names_skip_ast(self):
        for expr in ("app", "application", "obj.attr", "a.b.c", "_private.x"):
            self.assertEqual(boot._plain_dotted(expr), expr.split("."))
        for expr in ("f()", "None", "a.if", "caf\xe9", "a .b", "", "a..b"):
            self.assertIsNone(boot._plain_dotted(expr), expr)


class BootImportTests(unittest.TestCase):
    """What the worker imports before the app ($FORKWATCH_PYTHON)."""

    def test_importing_the_worker_leaves_the_slow_modules_out(self):
        code = ("import sys; before = set(sys.modules); sys.path.insert(0, %r); "
                "import forkwatch_worker.main; "
                "print(' '.join(m for m in %r if m in sys.modules and m not in before))"
                % (os.path.dirname(harness.HERE), NOT_AT_BOOT))
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        out = subprocess.run([harness.PYTHON, "-c", code], env=env, check=True,
                             capture_output=True, text=True).stdout
        self.assertEqual(out.split(), [])

    def test_a_booted_worker_has_not_loaded_them_when_the_app_is_imported(self):
        with harness.Worker({"app.py": LATE_LOGGING_APP}) as w:
            w.ready()
            loaded = set(filter(None, w.request().body.decode().split(",")))
        self.assertEqual(loaded - loaded_at_startup(NOT_AT_BOOT), set())


def check_late_logging(test, worker):
    """Requests to LATE_LOGGING_APP's /log: the record of the request that imports logging goes
    out as a LOG frame, and so do later ones (hooked once, not twice)."""
    for _ in range(2):
        r = worker.request(path="/log")
        test.assertEqual(r.outcome, "ok", r.end)
        records = [(log["stream"], log["text"], log.get("level"), log.get("logger"))
                   for log in r.logs]
        # lastResort (nothing configured) still prints the warning to stderr too.
        test.assertEqual(records, [("logging", "first record", "WARNING", "late"),
                                   ("stderr", "first record", None, None)])
        loader, same, meta_path = r.body.decode().split(" ")
        # Once imported, logging shows its own loader, and our finder has gone.
        test.assertNotIn("Hooking", loader)
        test.assertEqual(same, "True")
        test.assertNotIn("LoggingWatcher", meta_path)


class LateLoggingTests(unittest.TestCase):
    """logging imported by the app only in a request: its records are still LOG frames, from
    the very first one. (Forked workers and standbys: test_zygote, test_standby.)"""

    def test_records_of_the_request_that_imports_logging_are_sent(self):
        with harness.Worker({"app.py": LATE_LOGGING_APP}) as w:
            w.ready()
            check_late_logging(self, w)

if __name__ == "__main__":
    unittest.main()
