"""Tests of RequestCapture (capture.py) and how start_response records its calls.

    python3 -m unittest discover -s resources/python/tests -p test_capture.py -v

Most run Exchange in this process against a stub channel (each case is one call, no worker
spawn); one goes through a real worker and the real protocol.
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The worker package itself, for running Exchange in this process.
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from harness import CAPTURE, END, START, Worker  # noqa: E402

from forkwatch_worker.capture import Capture  # noqa: E402
from forkwatch_worker.protocol import END as WORKER_END  # noqa: E402
from forkwatch_worker.protocol import START as WORKER_START  # noqa: E402
from forkwatch_worker.response import Exchange  # noqa: E402
from forkwatch_worker.wsgi_input import EMPTY_INPUT  # noqa: E402

HEADER_SIZE = 9  # length (4), type (1), request id (4): protocol.ts


class StubChannel:
    """Keeps the frames Exchange sends; no client ever goes away."""

    aborted_rid = 0
    eof = False

    def __init__(self):
        self.frames = []

    def send_parts(self, parts, size):
        # parts alternate a frame header and its payload (payloads may be several parts for
        # BODY, so read headers for the length and collect payload bytes up to it).
        data = b"".join(bytes(p) for p in parts)
        while data:
            length = int.from_bytes(data[:4], "big")
            ftype = data[4]
            self.frames.append((ftype, data[HEADER_SIZE:HEADER_SIZE + length]))
            data = data[HEADER_SIZE + length:]

    def poll(self):
        pass

    def payload(self, ftype):
        return [p for t, p in self.frames if t == ftype][-1]


class StubConsole:
    pending = False


def environ():
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.version": (1, 0),
            "wsgi.input": EMPTY_INPUT}


def run(app):
    """Runs app as a CAPTURE request: (START text, END head dict, capture dict as sent)."""
    channel = StubChannel()
    env = environ()
    Exchange(channel, 1, StubConsole(), EMPTY_INPUT, Capture(env), False).run(app, env)
    head, _, captured = channel.payload(WORKER_END).partition(b"\n")
    if head.startswith(b'{"outcome":"ok",'):
        # The template protocol.ts's decodeCleanEnd reads without JSON.parse, byte for byte.
        fields = json.loads(head)
        template = ('{"outcome":"ok","bytesRead":%(bytesRead)d,"bytesSent":%(bytesSent)d,'
                    '"short":%(short)s,"findingCount":%(findingCount)d}')
        assert head.decode() == template % dict(fields, short=json.dumps(fields["short"])), head
    # decode("ascii"): the capture is ASCII JSON, whatever the app passed (escapes the rest).
    return (channel.payload(WORKER_START).decode("latin-1"), json.loads(head),
            json.loads(captured.decode("ascii")))


def decoded(capture):
    """What decodeEndCapture (protocol.ts) makes of it: startText becomes startResponse."""
    capture = dict(capture)
    if "startText" in capture:
        parts = capture.pop("startText").split("\0")
        capture["startResponse"] = [{"status": parts[0],
                                     "headers": [list(p) for p in zip(parts[1::2], parts[2::2])]}]
    return capture


def app_calling(*calls, body=(b"hello",)):
    """An app making these start_response calls (each a tuple of arguments), in order."""
    def app(environ, start_response):
        for args in calls:
            start_response(*args)
        return list(body)
    return app


HELLO_HEADERS = [("Content-Type", "text/plain"), ("Content-Length", "5")]


class PlainCallTests(unittest.TestCase):
    def test_plain_call_is_sent_as_start_text(self):
        start, head, capture = run(app_calling(("200 OK", list(HELLO_HEADERS))))
        self.assertEqual(capture["startText"],
                         "200 OK\0Content-Type\0text/plain\0Content-Length\x005")
        self.assertNotIn("startResponse", capture)
        self.assertEqual(decoded(capture)["startResponse"],
                         [{"status": "200 OK", "headers": [list(h) for h in HELLO_HEADERS]}])
        self.assertEqual(head, {"outcome": "ok", "bytesRead": 0, "bytesSent": 5,
                                "short": False, "findingCount": 0})
        self.assertEqual(capture["chunkSizes"], [5])
        self.assertEqual(start, capture["startText"])  # nothing was added here

    def test_capture_keys_in_order(self):
        _, _, capture = run(app_calling(("200 OK", list(HELLO_HEADERS))))
        self.assertEqual(list(capture), ["environExtra", "startText", "usedWrite", "chunkSizes",
                                         "findings", "closeCalled"])
        self.assertEqual(capture["environExtra"], [["wsgi.version", "<tuple>"],
                                                   ["wsgi.input", "<EmptyInput>"]])

    def test_status_alone(self):
        _, _, capture = run(app_calling(("204 No Content", []), body=()))
        self.assertEqual(capture["startText"], "204 No Content")
        self.assertEqual(decoded(capture)["startResponse"],
                         [{"status": "204 No Content", "headers": []}])

    def test_automatic_content_length_is_not_in_the_captured_call(self):
        start, _, capture = run(app_calling(("200 OK", [("Content-Type", "text/plain")])))
        self.assertEqual(start, "200 OK\0Content-Type\0text/plain\0Content-Length\x005")
        self.assertEqual(capture["startText"], "200 OK\0Content-Type\0text/plain")

    def test_status_and_name_seen_for_the_first_time(self):
        # Checked in full (then cached), but what was checked is the app's own str: plain.
        _, head, capture = run(app_calling(("299 Brand New", [("X-Brand-New-Name", "v")])))
        self.assertEqual(head["outcome"], "ok")
        self.assertEqual(capture["startText"], "299 Brand New\0X-Brand-New-Name\0v")

    def test_latin1_and_spaces_round_trip(self):
        headers = [("X-Name", "caf\xe9 cr\xe8me \xff"), ("X-Tab", "a\tb"), ("X-Empty", "")]
        start, head, capture = run(app_calling(("200 OK", headers)))
        self.assertEqual(head["outcome"], "ok")
        self.assertEqual(decoded(capture)["startResponse"][0]["headers"],
                         [list(h) for h in headers])
        self.assertIn("X-Name\0caf\xe9 cr\xe8me \xff\0", start)

    def test_later_changes_to_the_list_are_not_seen(self):
        def app(environ, start_response):
            headers = [("Content-Type", "text/plain")]
            start_response("200 OK", headers)
            headers.append(("X-Late", "1"))
            return [b"x"]
        _, _, capture = run(app)
        self.assertEqual(capture["startText"], "200 OK\0Content-Type\0text/plain")

    def test_generator_app_and_write(self):
        def app(environ, start_response):
            write = start_response("200 OK", [("Content-Type", "text/plain")])
            write(b"ab")
            yield b"c"
        _, head, capture = run(app)
        self.assertEqual(capture["startText"], "200 OK\0Content-Type\0text/plain")
        self.assertTrue(capture["usedWrite"])
        self.assertEqual(capture["chunkSizes"], [2, 1])
        self.assertTrue(capture["closeCalled"])
        self.assertEqual(head["findingCount"], 0)


class GeneralCallTests(unittest.TestCase):
    def assertCalls(self, app, calls):
        _, head, capture = run(app)
        self.assertNotIn("startText", capture)
        for call in capture["startResponse"]:
            call.pop("excInfo", None)
        self.assertEqual(capture["startResponse"], calls)
        self.assertEqual(head["findingCount"], len(capture["findings"]))
        return head, capture

    def test_plain_call_then_exc_info_keeps_both_in_order(self):
        def app(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            try:
                raise ValueError("boom")
            except ValueError:
                start_response("500 Oops", [("Content-Type", "text/html")], sys.exc_info())
            return [b"x"]
        _, _, capture = run(app)
        calls = capture["startResponse"]
        self.assertEqual([c["status"] for c in calls], ["200 OK", "500 Oops"])
        self.assertEqual(calls[0], {"status": "200 OK",
                                    "headers": [["Content-Type", "text/plain"]]})
        self.assertEqual(calls[1]["headers"], [["Content-Type", "text/html"]])
        self.assertEqual(calls[1]["excInfo"]["type"], "ValueError")

    def test_second_call_without_exc_info_keeps_both(self):
        head, _ = self.assertCalls(app_calling(("200 OK", []), ("201 Created", [])), [
            {"status": "200 OK", "headers": []}, {"status": "201 Created", "headers": []}])
        self.assertEqual(head["outcome"], "violation")

    def test_non_str_header_value(self):
        self.assertCalls(app_calling(("200 OK", [("Content-Type", "text/plain"),
                                                 ("Content-Length", 5)])),
                         [{"status": "200 OK", "headers": [["Content-Type", "text/plain"],
                                                           ["Content-Length", "5"]]}])

    def test_bad_status(self):
        for status, recorded in (("OK", "OK"), (200, "200"), (b"200 OK", "b'200 OK'")):
            with self.subTest(status=status):
                self.assertCalls(app_calling((status, [("A", "b")])),
                                 [{"status": recorded, "headers": [["A", "b"]]}])

    def test_headers_not_a_list(self):
        self.assertCalls(app_calling(("200 OK", (("A", "b"),))),
                         [{"status": "200 OK", "headers": [["A", "b"]]}])

    def test_bad_item_and_bad_name(self):
        self.assertCalls(app_calling(("200 OK", [["A", "b"]])),
                         [{"status": "200 OK", "headers": [["A", "b"]]}])
        self.assertCalls(app_calling(("200 OK", [(b"A", "b")])),
                         [{"status": "200 OK", "headers": [["b'A'", "b"]]}])
        self.assertCalls(app_calling(("200 OK", [("Bad Name", "b")])),
                         [{"status": "200 OK", "headers": [["Bad Name", "b"]]}])

    def test_bad_value_characters(self):
        self.assertCalls(app_calling(("200 OK", [("X-Evil", "a\r\nb")])),
                         [{"status": "200 OK", "headers": [["X-Evil", "a\r\nb"]]}])
        self.assertCalls(app_calling(("200 OK", [("X-Name", "\u0394")])),
                         [{"status": "200 OK", "headers": [["X-Name", "\u0394"]]}])

    def test_conflicting_content_length(self):
        head, _ = self.assertCalls(
            app_calling(("200 OK", [("Content-Length", "5"), ("Content-Length", "6")])),
            [{"status": "200 OK", "headers": [["Content-Length", "5"], ["Content-Length", "6"]]}])
        self.assertEqual(head["outcome"], "violation")

    def test_str_subclass_is_recorded_as_given(self):
        # Not an error (start_response converts it), but not the app's exact str either.
        class Text(str):
            def __repr__(self):
                return "Text(%s)" % str.__repr__(self)
        head, _ = self.assertCalls(app_calling(("200 OK", [("X-A", Text("b"))])),
                                   [{"status": "200 OK", "headers": [["X-A", "Text('b')"]]}])
        self.assertEqual(head["outcome"], "ok")

    def test_subclasses_are_recorded_as_given(self):
        class Status(str):
            def __repr__(self):
                return "Status(%s)" % str.__repr__(self)

        class Pair(tuple):
            pass
        self.assertCalls(app_calling((Status("200 OK"), [("X-A", "b")])),
                         [{"status": "Status('200 OK')", "headers": [["X-A", "b"]]}])
        self.assertCalls(app_calling(("200 OK", [Pair(("X-A", "b"))])),
                         [{"status": "200 OK", "headers": [["X-A", "b"]]}])

    def test_hop_by_hop_name(self):
        self.assertCalls(app_calling(("200 OK", [("Connection", "close")])),
                         [{"status": "200 OK", "headers": [["Connection", "close"]]}])

    def test_failed_call_then_a_good_one(self):
        def app(environ, start_response):
            try:
                start_response("200 OK", [("X-A", 1)])
            except AssertionError:
                pass
            start_response("200 OK", [("X-A", "1")])
            return [b"x"]
        self.assertCalls(app, [{"status": "200 OK", "headers": [["X-A", "1"]]},
                               {"status": "200 OK", "headers": [["X-A", "1"]]}])

    def test_no_call(self):
        head, capture = self.assertCalls(lambda environ, start_response: [b"x"], [])
        self.assertEqual(head["outcome"], "violation")
        self.assertEqual([f["code"] for f in capture["findings"]], ["no-start-response"])


class RealWorkerTests(unittest.TestCase):
    APP = '''
    def app(environ, start_response):
        if environ["PATH_INFO"] == "/twice":
            start_response("200 OK", [])
            try:
                raise KeyError("k")
            except KeyError:
                import sys
                start_response("500 Oops", [("X-B", "2")], sys.exc_info())
        else:
            start_response("200 OK", [("Content-Type", "text/plain"),
                                      ("X-Name", "caf\\xe9 au lait")])
        return [b"hello"]
    '''

    def test_start_text_over_the_protocol(self):
        with Worker({"app.py": self.APP}) as w:
            w.ready()
            r = w.request(flags=CAPTURE)
            capture = r.end["capture"]
            self.assertEqual(capture["startText"],
                             "200 OK\0Content-Type\0text/plain\0X-Name\0caf\xe9 au lait")
            self.assertEqual(r.headers, [("Content-Type", "text/plain"),
                                         ("X-Name", "caf\xe9 au lait"), ("Content-Length", "5")])
            self.assertEqual(r.end["findingCount"], 0)
            r = w.request(path="/twice", flags=CAPTURE)
            calls = r.end["capture"]["startResponse"]
            self.assertEqual([(c["status"], c["headers"]) for c in calls],
                             [("200 OK", []), ("500 Oops", [["X-B", "2"]])])
            self.assertEqual(calls[1]["excInfo"]["type"], "KeyError")
            self.assertEqual([f for f, _, _ in r.frames].count(START), 1)
            self.assertEqual(r.frames[-1][0], END)


if __name__ == "__main__":
    unittest.main()
