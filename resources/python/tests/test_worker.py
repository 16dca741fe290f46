"""End-to-end tests of the worker over the real protocol (stdlib unittest).

    python3 -m unittest discover -s resources/python/tests -v
    FORKWATCH_PYTHON=/usr/bin/python3 python3 -m unittest discover -s resources/python/tests

Each test spawns a worker the way the Node master does (see harness.py) against tiny apps
written to a temp dir.
"""

import json
import os
import re
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The worker package itself, for the few tests of its pieces without a worker process.
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import harness  # noqa: E402
from harness import CAPTURE, EXPECT_CONTINUE, Worker  # noqa: E402

HELLO = '''
def app(environ, start_response):
    body = b"Hello, World!"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
'''

# One app module with many routes keeps each test to one worker spawn.
ROUTES = r'''
import logging, sys, time, os

log = logging.getLogger("routes")

def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]

def two(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"a", b"bc"]

def empty(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return []

def gen(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"one"
    yield b""
    yield b"two"

def big(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [b"x" * (600 * 1024)]

def list_cl(environ, start_response):
    # Chunks of different bytes, so a join, a split or a send that skips or repeats shows.
    n = int(environ["QUERY_STRING"] or 1)
    chunks = [bytes([65 + i]) * (n * 1024 + i) for i in range(4)]
    start_response("200 OK", [("Content-Length", str(sum(map(len, chunks))))])
    return chunks

def echo(environ, start_response):
    inp = environ["wsgi.input"]
    how = environ["QUERY_STRING"]
    if how == "read":
        data = inp.read()
    elif how == "read-1":
        data = inp.read(-1)
    elif how == "readnone":
        data = inp.read(None)
    elif how == "readn":
        parts = []
        while True:
            chunk = inp.read(7)
            if not chunk:
                break
            assert len(chunk) == 7 or not inp.read(1)
            parts.append(chunk)
        data = b"".join(parts)
    elif how == "readline":
        data = b"|".join(iter(inp.readline, b""))
    elif how == "readline3":
        data = b"|".join(iter(lambda: inp.readline(3), b""))
    elif how == "readlines":
        data = b"|".join(inp.readlines())
    elif how == "readlines-hint":
        first = inp.readlines(5)
        data = b"%d|" % len(first) + b"".join(first) + inp.read()
    elif how == "iter":
        data = b"|".join(line for line in inp)
    elif how == "half":
        data = inp.read(int(environ["CONTENT_LENGTH"]) // 2)
    elif how == "none":
        data = b"didn't read"
    else:
        data = inp.read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [data]

def writer(environ, start_response):
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"first,")
    write(b"")
    write(b"second,")
    return [b"third"]

def exc_before(environ, start_response):
    try:
        raise ValueError("boom")
    except ValueError:
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
    return [b"handled"]

def exc_after(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"partial"
    try:
        raise KeyError("late")
    except KeyError:
        start_response("500 Oops", [("Content-Type", "text/plain")], sys.exc_info())
    yield b"never"

def raise_before(environ, start_response):
    def inner():
        raise RuntimeError("kaput")
    inner()

def raise_after(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"some"
    raise RuntimeError("mid-stream")

def v_status_int(environ, start_response):
    start_response(200, [])
    return [b"x"]

def v_status_bad(environ, start_response):
    start_response("OK", [])
    return [b"x"]

def v_headers_tuple(environ, start_response):
    start_response("200 OK", (("A", "b"),))
    return [b"x"]

def v_header_int(environ, start_response):
    start_response("200 OK", [("Content-Length", 5)])
    return [b"hello"]

def v_latin1(environ, start_response):
    start_response("200 OK", [("X-Name", "\u0394elta")])
    return [b"x"]

def v_crlf(environ, start_response):
    start_response("200 OK", [("X-Evil", "a\r\nSet-Cookie: x=1")])
    return [b"x"]

def v_nul(environ, start_response):
    start_response("200 OK", [("X-Evil", "a\x00b")])
    return [b"x"]

def v_hop(environ, start_response):
    start_response("200 OK", [("Connection", "close")])
    return [b"x"]

def v_twice(environ, start_response):
    start_response("200 OK", [])
    start_response("200 OK", [])
    return [b"x"]

def v_twice_caught(environ, start_response):
    start_response("200 OK", [])
    try:
        start_response("201 Created", [])
    except AssertionError:
        pass
    return [b"x"]

def v_no_start(environ, start_response):
    return [b"x"]

def v_no_start_empty(environ, start_response):
    return []

def v_write_first(environ, start_response):
    write = start_response.__self__.write
    write(b"x")
    return []

def v_str_body(environ, start_response):
    start_response("200 OK", [])
    return ["text"]

def v_not_iterable(environ, start_response):
    start_response("200 OK", [])
    return 42

def cl_long(environ, start_response):
    start_response("200 OK", [("Content-Length", "3")])
    return [b"abcdef"]

def cl_short(environ, start_response):
    start_response("200 OK", [("Content-Length", "10")])
    return [b"abc"]

def cl_short_gen(environ, start_response):
    start_response("200 OK", [("Content-Length", "10")])
    yield b"abc"

def head_empty(environ, start_response):
    start_response("200 OK", [("Content-Length", "10")])
    return []

def no_content(environ, start_response):
    start_response("204 No Content", [])
    return []

def printer(environ, start_response):
    print("hello from", environ["PATH_INFO"])
    print("two", "lines\nin one print")
    sys.stdout.write("partial")
    sys.stderr.write("err line\n")
    environ["wsgi.errors"].write("to wsgi.errors\n")
    environ["wsgi.errors"].writelines(["a", "b\n"])
    environ["wsgi.errors"].flush()
    log.warning("a %s", "warning")
    logging.getLogger("quiet").info("not shown: root is at WARNING")
    start_response("200 OK", [])
    return [b"ok"]

class Closing:
    def __init__(self, fail=False):
        self.fail = fail
    def __iter__(self):
        yield b"body"
    def close(self):
        print("close called")
        if self.fail:
            raise OSError("close failed")

def closing(environ, start_response):
    start_response("200 OK", [])
    return Closing()

def closing_fails(environ, start_response):
    start_response("200 OK", [])
    return Closing(fail=True)

def forever(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    def stream():
        try:
            while True:
                yield b"tick\n"
                time.sleep(0.01)
        finally:
            print("stream closed")
    return stream()

def slow(environ, start_response):
    print("slow started", flush=True)
    time.sleep(float(environ["QUERY_STRING"] or 0.5))
    start_response("200 OK", [])
    return [b"slept"]

def busy(environ, start_response):
    print("busy started", flush=True)
    end = time.time() + 1.5
    while time.time() < end:
        pass
    start_response("200 OK", [])
    return [b"done"]

def file_wrapper(environ, start_response):
    import io
    start_response("200 OK", [])
    return environ["wsgi.file_wrapper"](io.BytesIO(b"0123456789" * 3), 8)

def bytearray_body(environ, start_response):
    start_response("200 OK", [])
    return [bytearray(b"ba")]

def environ_dump(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    import json
    out = [[k, v if isinstance(v, str) else repr(type(v))] for k, v in environ.items()]
    return [json.dumps(out).encode()]

def threaded(environ, start_response):
    import threading
    def later():
        time.sleep(0.2)
        print("from a thread")
    threading.Thread(target=later).start()
    start_response("200 OK", [])
    return [b"started"]

def sys_exit(environ, start_response):
    sys.exit(7)

ROUTES = {k: v for k, v in globals().items() if callable(v) and not k.startswith("_")}

def app(environ, start_response):
    name = environ["PATH_INFO"].strip("/") or "hello"
    return ROUTES[name](environ, start_response)
'''


class WorkerTest(unittest.TestCase):
    worker = None

    @classmethod
    def setUpClass(cls):
        cls.worker = Worker({"app.py": ROUTES})
        cls.ready = cls.worker.ready()

    @classmethod
    def tearDownClass(cls):
        cls.worker.close()

    def get(self, path, **kw):
        return self.worker.request(path=path, **kw)

    def assertViolation(self, resp, code=None):
        self.assertEqual(resp.outcome, "violation", resp.end)
        self.assertTrue(resp.status.startswith("500 "), resp.status)
        self.assertIn(b"WSGI violation", resp.body)
        if code:
            codes = [f["code"] for f in resp.end["capture"]["findings"]]
            self.assertIn(code, codes)


class BasicTests(WorkerTest):
    def test_ready_info(self):
        self.assertEqual(self.ready["protocol"], 1)
        self.assertEqual(self.ready["pid"], self.worker.proc.pid)
        self.assertEqual(self.ready["app"], "app:app")
        self.assertTrue(self.ready["python"].startswith("3."))

    @unittest.skipUnless(hasattr(os, "SCHED_BATCH"), "SCHED_BATCH is Linux-only")
    def test_runs_under_sched_batch_so_it_does_not_preempt_the_master(self):
        self.assertEqual(os.sched_getscheduler(self.worker.proc.pid), os.SCHED_BATCH)

    def test_hello_list_gets_content_length(self):
        r = self.get("/hello")
        self.assertEqual(r.status, "200 OK")
        self.assertEqual(r.header("Content-Length"), "5")
        self.assertEqual(r.body, b"hello")
        self.assertEqual(r.end, {"outcome": "ok", "bytesRead": 0, "bytesSent": 5, "short": False})
        # START, BODY, END only
        self.assertEqual([f[0] for f in r.frames], [harness.START, harness.RBODY, harness.END])

    def test_two_element_list_has_no_added_length(self):
        r = self.get("/two")
        self.assertIsNone(r.header("Content-Length"))
        self.assertEqual(r.body, b"abc")

    def test_empty_list(self):
        r = self.get("/empty")
        self.assertEqual(r.header("Content-Length"), "0")
        self.assertEqual(r.body, b"")
        self.assertEqual(r.outcome, "ok")

    def test_generator_streams_each_chunk(self):
        r = self.get("/gen")
        self.assertIsNone(r.header("Content-Length"))
        self.assertEqual(r.body_frames, [3, 3])
        self.assertEqual(r.body, b"onetwo")

    def test_big_body_split_at_256k(self):
        r = self.get("/big")
        self.assertEqual(r.body_frames, [256 * 1024, 256 * 1024, 88 * 1024])
        self.assertEqual(r.header("Content-Length"), str(600 * 1024))
        self.assertEqual(r.end["bytesSent"], 600 * 1024)

    def test_list_body_with_content_length_is_one_frame_when_small(self):
        r = self.get("/list_cl?4")
        self.assertEqual(r.body, b"".join(bytes([65 + i]) * (4 * 1024 + i) for i in range(4)))
        self.assertEqual(r.body_frames, [16 * 1024 + 6])
        self.assertFalse(r.end["short"])

    def test_big_list_body_goes_out_chunk_by_chunk_unjoined(self):
        for flags in (0, CAPTURE):
            r = self.get("/list_cl?300", flags=flags)
            self.assertEqual(r.body, b"".join(bytes([65 + i]) * (300 * 1024 + i)
                                              for i in range(4)))
            # Each chunk split at 256 KiB on its own: the list was never joined.
            self.assertEqual(r.body_frames, [256 * 1024, 44 * 1024, 256 * 1024, 44 * 1024 + 1,
                                             256 * 1024, 44 * 1024 + 2, 256 * 1024,
                                             44 * 1024 + 3])
            self.assertEqual(r.end["bytesSent"], 4 * 300 * 1024 + 6)

    def test_write_callable(self):
        r = self.get("/writer", flags=CAPTURE)
        self.assertEqual(r.body, b"first,second,third")
        self.assertEqual(r.body_frames, [6, 7, 5])
        cap = r.end["capture"]
        self.assertTrue(cap["usedWrite"])
        self.assertEqual(cap["chunkSizes"], [6, 0, 7, 5])

    def test_file_wrapper(self):
        r = self.get("/file_wrapper", flags=CAPTURE)
        self.assertEqual(r.body, b"0123456789" * 3)
        self.assertEqual(r.end["capture"]["chunkSizes"], [8, 8, 8, 6])
        self.assertTrue(r.end["capture"]["closeCalled"])

    def test_bytearray_chunk_is_accepted_with_finding(self):
        r = self.get("/bytearray_body", flags=CAPTURE)
        self.assertEqual(r.body, b"ba")
        self.assertEqual(r.outcome, "ok")
        self.assertIn("body-chunk-not-bytes", [f["code"] for f in r.end["capture"]["findings"]])

    def test_environ(self):
        r = self.get("/environ_dump", headers=[("HTTP_X_CUSTOM", "caf\xe9")])
        env = json.loads(r.body)
        keys = [k for k, _ in env]
        self.assertEqual(keys[:4], ["REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING"])
        self.assertEqual(keys[-8:], ["wsgi.version", "wsgi.input", "wsgi.errors",
                                     "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once",
                                     "wsgi.file_wrapper", "wsgi.input_terminated"])
        self.assertEqual(dict(env)["HTTP_X_CUSTOM"], "caf\xe9")  # latin-1 round trip

    def test_capture_environ_and_calls(self):
        r = self.get("/exc_before", flags=CAPTURE)
        cap = r.end["capture"]
        extra = cap["environExtra"]
        # Only what the worker added: the master keeps the str pairs it sent.
        self.assertEqual([k for k, _ in extra][:2], ["wsgi.version", "wsgi.input"])
        self.assertEqual(dict(extra)["wsgi.version"], "<tuple>")
        self.assertNotIn("PATH_INFO", dict(extra))
        self.assertEqual(len(cap["startResponse"]), 2)
        self.assertEqual(cap["startResponse"][1]["excInfo"]["type"], "ValueError")
        self.assertEqual(cap["closeCalled"], None)

    def test_no_capture_without_flag(self):
        r = self.get("/exc_before")
        self.assertNotIn("capture", r.end)


class InputTests(WorkerTest):
    BODY = b"line one\nline two\n\nlast line without newline"

    def echo(self, how, body=None, chunk=5):
        body = self.BODY if body is None else body
        return self.worker.request(path="/echo?" + how, method="POST", body=body, chunk=chunk)

    def test_read_variants(self):
        for how in ("read", "read-1", "readnone", "readn", "exact"):
            with self.subTest(how=how):
                r = self.echo(how)
                self.assertEqual(r.body, self.BODY)
                self.assertEqual(r.end["bytesRead"], len(self.BODY))

    def test_readline(self):
        r = self.echo("readline")
        self.assertEqual(r.body, b"line one\n|line two\n|\n|last line without newline")

    def test_readline_size(self):
        r = self.echo("readline3", body=b"abcdefg\nhi\n")
        self.assertEqual(r.body, b"abc|def|g\n|hi\n")

    def test_readlines_and_iter(self):
        for how in ("readlines", "iter"):
            with self.subTest(how=how):
                r = self.echo(how)
                self.assertEqual(r.body, b"line one\n|line two\n|\n|last line without newline")

    def test_readlines_hint(self):
        r = self.echo("readlines-hint")
        self.assertEqual(r.body, b"1|" + self.BODY)

    def test_big_body_in_many_frames(self):
        body = os.urandom(1024 * 1024)
        r = self.echo("read", body=body, chunk=65536)
        self.assertEqual(r.body, body)

    def test_unread_body_is_discarded(self):
        r = self.echo("half", body=b"x" * 10000, chunk=100)
        self.assertEqual(r.end["bytesRead"], 5000)
        r = self.worker.request(path="/hello")  # the leftover frames must not confuse us
        self.assertEqual(r.body, b"hello")

    def test_no_body_reads_empty(self):
        r = self.worker.request(path="/echo?read")
        self.assertEqual(r.body, b"")

    def test_expect_continue(self):
        w = self.worker
        rid = w.start_request(path="/echo?read", method="POST", body=b"payload",
                              flags=EXPECT_CONTINUE)
        f = w.recv_frame()
        self.assertEqual(f[:2], (harness.CONTINUE, rid))
        w.send_body(rid, b"payload")
        r = w.collect(rid)
        self.assertEqual(r.body, b"payload")

    def test_expect_continue_not_read(self):
        w = self.worker
        rid = w.start_request(path="/echo?none", method="POST", body=b"payload",
                              flags=EXPECT_CONTINUE)
        r = w.collect(rid)  # no body sent at all: the worker must not wait for it
        self.assertFalse(r.continued)
        self.assertEqual(r.body, b"didn't read")
        self.assertEqual(self.worker.request(path="/hello").body, b"hello")

    def test_client_gone_mid_body(self):
        w = self.worker
        rid = w.start_request(path="/echo?read", method="POST", body=b"x" * 100)
        w.send(harness.BODY, rid, b"x" * 10)
        w.send(harness.BODY_END, rid, b"\x01")
        r = w.collect(rid)
        self.assertEqual(r.outcome, "aborted")
        self.assertIsNone(r.status)
        self.assertEqual(self.worker.request(path="/hello").body, b"hello")


class ErrorTests(WorkerTest):
    def test_exc_info_before_headers_replaces(self):
        r = self.get("/exc_before")
        self.assertEqual(r.status, "500 Oops")
        self.assertEqual(r.body, b"handled")
        self.assertEqual(r.outcome, "ok")

    def test_exc_info_after_headers_reraises(self):
        r = self.get("/exc_after")
        self.assertEqual(r.status, "200 OK")
        self.assertEqual(r.body, b"partial")
        self.assertEqual(r.outcome, "app-error-after-headers")
        self.assertEqual(r.end["error"]["type"], "KeyError")

    def test_raise_before_headers(self):
        r = self.get("/raise_before")
        self.assertEqual(r.status, "500 Internal Server Error")
        self.assertEqual(r.header("Content-Type"), "text/plain; charset=utf-8")
        self.assertIn(b"RuntimeError: kaput", r.body)
        self.assertEqual(r.outcome, "app-error")
        err = r.end["error"]
        self.assertEqual(err["type"], "RuntimeError")
        self.assertEqual(err["message"], "kaput")
        self.assertTrue(err["filename"].endswith("app.py"))
        self.assertEqual(err["lineno"], ROUTES.splitlines().index(
            '        raise RuntimeError("kaput")') + 1)
        self.assertIn('raise RuntimeError("kaput")', err["traceback"])  # source lines
        self.assertNotIn("forkwatch_worker", err["traceback"])

    def test_raise_after_headers(self):
        r = self.get("/raise_after")
        self.assertEqual(r.status, "200 OK")
        self.assertEqual(r.body, b"some")
        self.assertEqual(r.outcome, "app-error-after-headers")
        self.assertEqual(r.end["error"]["message"], "mid-stream")

    def test_violations(self):
        cases = {
            "v_status_int": "status-type",
            "v_status_bad": "status-format",
            "v_headers_tuple": "headers-type",
            "v_header_int": "header-type",
            "v_latin1": "header-not-latin1",
            "v_crlf": "header-control-char",
            "v_nul": "header-control-char",
            "v_hop": "hop-by-hop-header",
            "v_twice": "start-response-twice",
            "v_twice_caught": "start-response-twice",
            "v_no_start": "no-start-response",
            "v_no_start_empty": "no-start-response",
            "v_write_first": "write-before-start-response",
            "v_str_body": "body-chunk-not-bytes",
            "v_not_iterable": "not-iterable",
        }
        for route, code in cases.items():
            for flags in (0, CAPTURE):
                with self.subTest(route=route, flags=flags):
                    r = self.get("/" + route, flags=flags)
                    self.assertViolation(r, code if flags else None)
                    self.assertEqual(r.end["error"]["type"].split(".")[-1], "WSGIViolation")

    def test_capture_records_start_response_arguments_as_strings(self):
        # Whatever the app passed is recorded readable: repr for non-str, pairs for tuples.
        r = self.get("/v_header_int", flags=CAPTURE)
        self.assertEqual(r.end["capture"]["startResponse"],
                         [{"status": "200 OK", "headers": [["Content-Length", "5"]]}])
        r = self.get("/v_headers_tuple", flags=CAPTURE)
        self.assertEqual(r.end["capture"]["startResponse"][0]["headers"], [["A", "b"]])
        self.assertEqual(r.end["findingCount"], len(r.end["capture"]["findings"]))
        self.assertGreater(r.end["findingCount"], 0)

    def test_violation_message_is_clear(self):
        r = self.get("/v_twice")
        self.assertIn(b"start_response called twice without exc_info", r.body)

    def test_content_length_excess_dropped(self):
        r = self.get("/cl_long", flags=CAPTURE)
        self.assertEqual(r.body, b"abc")
        self.assertEqual(r.outcome, "ok")
        self.assertFalse(r.end["short"])
        self.assertIn("content-length-mismatch",
                      [f["code"] for f in r.end["capture"]["findings"]])
        self.assertEqual(self.get("/cl_long").body, b"abc")

    def test_content_length_short(self):
        for path in ("/cl_short", "/cl_short_gen"):
            for flags in (0, CAPTURE):
                with self.subTest(path=path, flags=flags):
                    r = self.get(path, flags=flags)
                    self.assertEqual(r.body, b"abc")
                    self.assertTrue(r.end["short"])

    def test_head_is_not_short(self):
        r = self.get("/head_empty", method="HEAD")
        self.assertFalse(r.end["short"])
        self.assertEqual(r.header("Content-Length"), "10")
        r = self.get("/empty", method="HEAD")
        self.assertIsNone(r.header("Content-Length"))

    def test_204_gets_no_length(self):
        r = self.get("/no_content")
        self.assertIsNone(r.header("Content-Length"))
        self.assertEqual(r.outcome, "ok")

    def test_close_called(self):
        r = self.get("/closing", flags=CAPTURE)
        self.assertEqual(r.body, b"body")
        self.assertTrue(r.end["capture"]["closeCalled"])
        self.assertIn("close called", [log["text"] for log in r.logs])
        # close() ran before END: its print is attributed to the request.

    def test_close_raising(self):
        r = self.get("/closing_fails", flags=CAPTURE)
        self.assertIn("close-raised", [f["code"] for f in r.end["capture"]["findings"]])
        self.assertEqual(r.outcome, "app-error-after-headers")


class ConsoleTests(WorkerTest):
    def test_prints_become_log_frames(self):
        r = self.get("/printer")
        by_stream = {}
        for log in r.logs:
            by_stream.setdefault(log["stream"], []).append(log["text"])
            self.assertEqual(log["rid"], self.worker.next_rid - 1)
            self.assertIsInstance(log["time"], float)
        self.assertEqual(by_stream["stdout"],
                         ["hello from /printer", "two lines", "in one print", "partial"])
        self.assertEqual(by_stream["wsgi.errors"], ["to wsgi.errors", "ab"])
        logging_records = [log for log in r.logs if log["stream"] == "logging"]
        self.assertEqual(len(logging_records), 1)
        self.assertEqual(logging_records[0]["level"], "WARNING")
        self.assertEqual(logging_records[0]["logger"], "routes")
        self.assertEqual(logging_records[0]["text"], "a warning")
        # No handler configured: Python's lastResort still prints the warning to stderr.
        self.assertEqual(by_stream["stderr"], ["err line", "a warning"])
        # Everything is LOG: nothing reached the raw pipes.
        self.assertEqual(bytes(self.worker.stdout), b"")

    def test_thread_prints_outside_a_request_have_id_zero(self):
        self.worker.idle_logs.clear()
        self.assertEqual(self.get("/threaded").body, b"started")
        self.worker.wait_for_log("from a thread")  # printed while idle, before /hello
        self.get("/hello")
        self.assertEqual([(log["rid"], log["text"]) for log in self.worker.idle_logs],
                         [(0, "from a thread")])

    def test_partial_line_flushed_before_end(self):
        r = self.get("/printer")
        kinds = [f[0] for f in r.frames]
        last_log = max(i for i, k in enumerate(kinds) if k == harness.LOG)
        self.assertLess(last_log, kinds.index(harness.END))


class GatheredSendTests(unittest.TestCase):
    """channel._send_gathered: every byte once and in order, also when sendmsg stops short."""

    def test_partial_sends_resume_where_they_stopped(self):
        from forkwatch_worker.channel import _send_gathered
        out = bytearray()
        calls = []

        def sendmsg(buffers):
            # Takes at most 5 bytes per call, as a send cut short by a signal would.
            calls.append(len(buffers))
            data = b"".join(bytes(b) for b in buffers)[:5]
            out.extend(data)
            return len(data)

        parts = [b"head", memoryview(b"0123456789")[2:], b"", b"tail!", bytearray(b"xy")]
        expected = b"".join(bytes(p) for p in parts)
        _send_gathered(sendmsg, list(parts))
        self.assertEqual(bytes(out), expected)
        self.assertEqual(len(calls), -(-len(expected) // 5))


class LingerTests(unittest.TestCase):
    """Channel.next_request(linger=True): poll for the next request a while, then block."""

    def setUp(self):
        import socket
        from forkwatch_worker.channel import Channel
        self.master, theirs = socket.socketpair()
        self.channel = Channel(theirs)
        self.addCleanup(self.master.close)
        self.addCleanup(theirs.close)

    def request_frame(self, rid):
        return harness.frame(harness.REQUEST, rid, harness.request_payload(0, harness.BASE_ENVIRON))

    def test_a_request_already_there_is_taken_at_once(self):
        self.master.sendall(self.request_frame(7))
        rid, flags, text = self.channel.next_request(linger=True)
        self.assertEqual((rid, flags), (7, 0))
        self.assertIn("REQUEST_METHOD\0GET", text)

    def test_gives_up_on_an_empty_channel_and_reads_on(self):
        started = time.monotonic()
        self.assertEqual(self.channel._linger(), -1)  # nothing came: the caller blocks instead
        from forkwatch_worker.channel import LINGER_SECONDS
        self.assertGreaterEqual(time.monotonic() - started, LINGER_SECONDS)
        self.master.sendall(self.request_frame(8))
        self.assertEqual(self.channel.next_request(linger=True)[0], 8)

    def test_eof_while_lingering_ends_the_loop(self):
        self.master.shutdown(__import__("socket").SHUT_WR)
        self.assertEqual(self.channel._linger(), 0)
        self.assertIsNone(self.channel.next_request(linger=True))


class ValidatorTests(unittest.TestCase):
    APP = '''
    import sys, warnings
    from wsgiref.validate import validator

    def inner(environ, start_response):
        inp = environ["wsgi.input"]
        body = inp.read(int(environ.get("CONTENT_LENGTH") or 0))
        inp.readline()
        inp.readlines()
        for _ in inp:
            pass
        errors = environ["wsgi.errors"]
        errors.write("validator says hi\\n")
        errors.writelines(["x\\n"])
        errors.flush()
        path = environ["PATH_INFO"]
        if path == "/gen":
            start_response("200 OK", [("Content-Type", "text/plain")])
            def g():
                yield b"a"
                yield b"b"
            return g()
        if path == "/write":
            write = start_response("200 OK", [("Content-Type", "text/plain")])
            write(b"written")
            return [b""]
        if path == "/error":
            try:
                raise ValueError("x")
            except ValueError:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")],
                               sys.exc_info())
            return [b"error page"]
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(body) + 4))])
        return [b"got:", body]

    app = validator(inner)
    '''

    def test_validator_finds_nothing(self):
        with Worker({"app.py": self.APP}) as w:
            w.ready()
            for kw in ({"path": "/"}, {"path": "/gen"}, {"path": "/write"},
                       {"path": "/error"}, {"path": "/", "method": "POST", "body": b"data"},
                       {"path": "/", "method": "HEAD"}):
                with self.subTest(**kw):
                    r = w.request(flags=CAPTURE, **kw)
                    self.assertEqual(r.outcome, "ok", r.end)
                    self.assertEqual(r.end["capture"]["findings"], [])
                    problems = [log for log in r.logs if log["stream"] != "wsgi.errors"]
                    self.assertEqual(problems, [])
            # Frames come in order: anything printed while idle after the last request
            # (e.g. a validator warning from __del__) arrives before this request's END.
            self.assertEqual(w.request(path="/").outcome, "ok")
            self.assertEqual(w.idle_logs, [])  # no "Iterator garbage collected..." either
            self.assertEqual(bytes(w.stderr), b"")


class BootTests(unittest.TestCase):
    def boot(self, files, spec="app:app"):
        with Worker(files, spec=spec) as w:
            ftype, info = w.boot()
            code = w.wait()
            return ftype, info, code, w

    def test_syntax_error(self):
        ftype, info, code, _ = self.boot({"app.py": "x = 1\ndef app(:\n    pass\n"})
        self.assertEqual(ftype, harness.BOOT_FAILED)
        self.assertEqual(code, 4)
        self.assertEqual(info["stage"], "import")
        self.assertEqual(info["type"], "SyntaxError")
        self.assertTrue(info["filename"].endswith("app.py"))
        self.assertEqual(info["lineno"], 2)
        self.assertIn("def app(:", info["traceback"])

    def test_error_in_imported_user_module(self):
        files = {"app.py": "import helper\napp = helper.make()\n",
                 "helper.py": "def make():\n    return 1 / 0\n"}
        ftype, info, code, _ = self.boot(files)
        self.assertEqual((ftype, code, info["stage"]), (harness.BOOT_FAILED, 4, "import"))
        self.assertEqual(info["type"], "ZeroDivisionError")
        self.assertTrue(info["filename"].endswith("helper.py"))
        self.assertEqual(info["lineno"], 2)
        self.assertIn("return 1 / 0", info["traceback"])
        self.assertNotIn("importlib", info["traceback"])

    def test_missing_module(self):
        ftype, info, code, _ = self.boot({"app.py": HELLO}, spec="nope:app")
        self.assertEqual((ftype, code, info["stage"]), (harness.BOOT_FAILED, 4, "import"))
        self.assertEqual(info["type"], "ModuleNotFoundError")

    def test_missing_attribute(self):
        ftype, info, code, _ = self.boot({"app.py": HELLO}, spec="app:nothing")
        self.assertEqual((ftype, code, info["stage"]), (harness.BOOT_FAILED, 4, "attribute"))
        self.assertIn("nothing", info["message"])

    def test_stdlib_name_clash_hint(self):
        ftype, info, code, _ = self.boot({"site.py": HELLO}, spec="site")
        self.assertEqual((ftype, code, info["stage"]), (harness.BOOT_FAILED, 4, "attribute"))
        self.assertIn("shadows the project's own site", info["message"])

    def test_not_callable(self):
        ftype, info, code, _ = self.boot({"app.py": "app = 3\n"})
        self.assertEqual((ftype, code, info["stage"]), (harness.BOOT_FAILED, 4, "attribute"))

    def test_bad_spec(self):
        for spec in ("app:1+", "app:f(x)", "app:f(*a)", ":app", "a b:app"):
            with self.subTest(spec=spec):
                ftype, info, code, _ = self.boot({"app.py": HELLO}, spec=spec)
                self.assertEqual((ftype, code, info["stage"]), (harness.BOOT_FAILED, 4, "spec"))

    def test_factory_failure(self):
        files = {"app.py": "def create():\n    raise RuntimeError('no config')\n"}
        ftype, info, code, _ = self.boot(files, spec="app:create()")
        self.assertEqual((ftype, code, info["stage"]), (harness.BOOT_FAILED, 4, "factory"))
        self.assertEqual(info["lineno"], 2)

    def test_prints_at_import_have_request_id_zero(self):
        files = {"app.py": "print('importing')\n" + HELLO}
        with Worker(files) as w:
            w.ready()
            self.assertEqual([(log["stream"], log["text"]) for log in w.idle_logs],
                             [("stdout", "importing")])

    def test_specs(self):
        files = {
            "app.py": HELLO + "\napplication = app\n",
            "factory.py": (
                "def create(greeting=b'hi', upper=False):\n"
                "    def app(environ, start_response):\n"
                "        start_response('200 OK', [])\n"
                "        return [greeting.upper() if upper else greeting]\n"
                "    return app\n"
                "class Holder:\n"
                "    app = staticmethod(create(b'held'))\n"),
            "pkg/__init__.py": "",
            "pkg/mod.py": "from factory import Holder as obj\n",
        }
        for spec, body in (("app", b"Hello, World!"), ("app:application", b"Hello, World!"),
                           ("factory:create()", b"hi"),
                           ("factory:create(b'yo', upper=True)", b"YO"),
                           ("pkg.mod:obj.app", b"held")):
            with self.subTest(spec=spec):
                with Worker(files, spec=spec) as w:
                    self.assertEqual(w.ready()["app"], spec)
                    self.assertEqual(w.request().body, body)

    def test_user_modules_are_not_shadowed(self):
        # Modules named like the worker's own must resolve to the user's files.
        files = {"protocol.py": "NAME = 'user protocol'\n", "boot.py": "NAME = 'user boot'\n",
                 "app.py": (
                     "import protocol, boot\n"
                     "def app(environ, start_response):\n"
                     "    start_response('200 OK', [])\n"
                     "    return [(protocol.NAME + '/' + boot.NAME).encode()]\n")}
        with Worker(files) as w:
            w.ready()
            self.assertEqual(w.request().body, b"user protocol/user boot")

    def test_bad_arguments_exit_3(self):
        import subprocess
        proc = subprocess.run([harness.PYTHON, harness.WORKER_MAIN, "--bogus"],
                              capture_output=True)
        self.assertEqual(proc.returncode, 3)
        proc = subprocess.run([harness.PYTHON, harness.WORKER_MAIN, "--app", "x:y"],
                              capture_output=True)  # no fd 3
        self.assertEqual(proc.returncode, 3)


class LifecycleTests(unittest.TestCase):
    def test_abort_during_stream_calls_close(self):
        with Worker({"app.py": ROUTES}) as w:
            w.ready()
            rid = w.start_request(path="/forever", flags=CAPTURE)
            aborted = []

            def on_frame(ftype, payload, resp):
                if ftype == harness.RBODY and not aborted:
                    aborted.append(True)
                    w.send(harness.ABORT, rid)

            r = w.collect(rid, on_frame=on_frame)
            self.assertEqual(r.outcome, "aborted")
            self.assertTrue(r.end["capture"]["closeCalled"])
            self.assertIn("stream closed", [log["text"] for log in r.logs])
            self.assertEqual(w.request(path="/hello").body, b"hello")

    def test_sigusr1_dumps_stack(self):
        with Worker({"app.py": ROUTES}) as w:
            w.ready()
            rid = w.start_request(path="/busy")
            w.wait_for_log("busy started")
            w.kill(signal.SIGUSR1)
            dump = w.read_dump(until=("busy", "app.py"))
            self.assertIn("busy", dump)
            self.assertIn("app.py", dump)
            self.assertEqual(w.collect(rid).body, b"done")

    def test_shutdown_frame(self):
        with Worker({"app.py": ROUTES}) as w:
            w.ready()
            rid = w.start_request(path="/slow", environ=[])
            w.send(harness.SHUTDOWN, 0)
            self.assertEqual(w.collect(rid).body, b"slept")
            self.assertEqual(w.wait(), 0)

    def test_shutdown_serves_what_was_sent_before_it(self):
        # The master prefetches a request behind the running one; a SHUTDOWN sent after both
        # must not drop the second (frames are handled in stream order).
        with Worker({"app.py": ROUTES}) as w:
            w.ready()
            first = w.start_request(path="/slow", environ=[])
            second = w.start_request(environ=[])
            w.send(harness.SHUTDOWN, 0)
            self.assertEqual(w.collect(first).body, b"slept")
            self.assertEqual(w.collect(second).outcome, "ok")
            self.assertEqual(w.wait(), 0)

    def test_sigterm_is_graceful(self):
        with Worker({"app.py": ROUTES}) as w:
            w.ready()
            rid = w.start_request(path="/slow")
            w.wait_for_log("slow started")
            w.kill(signal.SIGTERM)
            self.assertEqual(w.collect(rid).body, b"slept")
            self.assertEqual(w.wait(), 0)

    def test_sigterm_while_idle(self):
        with Worker({"app.py": HELLO}) as w:
            w.ready()
            w.request()
            w.kill(signal.SIGTERM)
            self.assertEqual(w.wait(), 0)

    def test_serves_in_sequence_and_exits_on_sigterm_after_lingering(self):
        # LINGER asks the worker to poll for its next request after answering: requests that
        # come during the poll and after it are served alike, and SIGTERM while it polls or
        # blocks is the idle case (exit 0 at once).
        with Worker({"app.py": HELLO}) as w:
            w.ready()
            for _ in range(50):
                self.assertEqual(w.request(flags=harness.LINGER).body, b"Hello, World!")
            w.kill(signal.SIGTERM)
            self.assertEqual(w.wait(), 0)

    def test_sigint_exits_now(self):
        with Worker({"app.py": ROUTES}) as w:
            w.ready()
            w.start_request(path="/slow?5")
            w.wait_for_log("slow started")
            w.kill(signal.SIGINT)
            self.assertEqual(w.wait(timeout=2), -signal.SIGINT)

    def test_eof_exits(self):
        with Worker({"app.py": HELLO}) as w:
            w.ready()
            w.sock.shutdown(__import__("socket").SHUT_WR)
            self.assertEqual(w.wait(), 0)

    def test_sys_exit_in_app_answers_then_exits(self):
        with Worker({"app.py": ROUTES}) as w:
            w.ready()
            r = w.request(path="/sys_exit")
            self.assertEqual(r.outcome, "app-error")
            self.assertEqual(w.wait(), 7)

    def test_thread_printing_never_corrupts_the_channel(self):
        app = ('import threading, time\n'
               'def spam():\n'
               '    i = 0\n'
               '    while True:\n'
               '        i += 1\n'
               '        print("spam", i)\n'
               '        if i % 50 == 0: time.sleep(0.001)\n'
               'threading.Thread(target=spam, daemon=True).start()\n' + HELLO)
        with Worker({"app.py": app}) as w:
            w.ready()
            logs = []
            for _ in range(300):
                r = w.request(body=b"x" * 3000, chunk=700)
                self.assertEqual(r.body, b"Hello, World!")
                logs += r.logs
            logs += w.idle_logs
            self.assertGreater(len(logs), 100)
            # Whole lines only: the request-end flush must not cut the thread's lines.
            bad = [log["text"] for log in logs if not re.match(r"spam \d+$", log["text"])]
            self.assertEqual(bad, [])

    def test_basic_config_still_works(self):
        app = ('import logging\nlogging.basicConfig(level=logging.INFO, format="BC %(message)s")\n'
               'log = logging.getLogger("x")\n'
               'def app(environ, start_response):\n'
               '    log.info("info %d", 1)\n'
               '    start_response("200 OK", [])\n'
               '    return [b""]\n')
        with Worker({"app.py": app}) as w:
            w.ready()
            r = w.request()
            self.assertEqual([(log["stream"], log["text"]) for log in r.logs],
                             [("logging", "info 1"), ("stderr", "BC info 1")])


if __name__ == "__main__":
    unittest.main()
