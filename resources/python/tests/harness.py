"""A tiny stand-in for the Node master: spawns a worker exactly as the master does (fd 3 a
socketpair, fd 4 a pipe, fd 0 /dev/null, fd 1/2 pipes) and speaks protocol.ts to it.

Standard library only. The interpreter under test is $FORKWATCH_PYTHON, default: the one
running the tests.
"""

import collections
import fcntl
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER_MAIN = os.path.join(os.path.dirname(HERE), "forkwatch_worker", "__main__.py")
PYTHON = os.environ.get("FORKWATCH_PYTHON", sys.executable)

HEADER = struct.Struct(">IBI")

# Master frames
REQUEST, BODY, BODY_END, ABORT, SHUTDOWN = 1, 2, 3, 4, 5
# Worker frames
READY, BOOT_FAILED, CONTINUE, START, RBODY, END, LOG = 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87
# Zygote mode (--zygote): master -> zygote, zygote -> master, forked worker -> master
FORK = 0x06
FORKED, FORK_FAILED, CHILD_EXIT, CHILD_OUTPUT = 0x88, 0x89, 0x8A, 0x8B
HELLO = 0x8C
HAS_BODY, EXPECT_CONTINUE, CAPTURE, LINGER = 1, 2, 4, 8

BASE_ENVIRON = [
    ("REQUEST_METHOD", "GET"),
    ("SCRIPT_NAME", ""),
    ("PATH_INFO", "/"),
    ("QUERY_STRING", ""),
    ("SERVER_NAME", "localhost"),
    ("SERVER_PORT", "8000"),
    ("SERVER_PROTOCOL", "HTTP/1.1"),
    ("REMOTE_ADDR", "127.0.0.1"),
    ("REMOTE_PORT", "50000"),
    ("HTTP_HOST", "localhost:8000"),
    ("wsgi.url_scheme", "http"),
]


def frame(ftype, rid, payload=b""):
    return HEADER.pack(len(payload), ftype, rid) + payload


def request_payload(flags, environ):
    text = "\0".join(k + "\0" + v for k, v in environ)
    return bytes((flags,)) + text.encode("latin-1")


class Response:
    """Everything the worker sent for one request."""

    def __init__(self):
        self.frames = []
        self.status = None
        self.headers = []
        self.body = b""
        self.body_frames = []
        self.end = None
        self.logs = []
        self.continued = False

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def outcome(self):
        return self.end["outcome"]


class Worker:
    def __init__(self, files, spec="app:app", python=PYTHON, extra_env=None, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="fw-test-")
        for name, text in files.items():
            path = os.path.join(self.dir, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text))
        ours, theirs = socket.socketpair()
        dump_r, dump_w = os.pipe()
        # High fd numbers first, so dup2 onto 3 and 4 in the child cannot clobber a source.
        child_sock = fcntl.fcntl(theirs.fileno(), fcntl.F_DUPFD_CLOEXEC, 20)
        child_dump = fcntl.fcntl(dump_w, fcntl.F_DUPFD_CLOEXEC, 20)

        def place_fds():
            os.dup2(child_sock, 3)  # dup2 clears close-on-exec on the copy
            os.dup2(child_dump, 4)

        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        env.update(extra_env or {})
        self.proc = subprocess.Popen(
            [python, WORKER_MAIN, "--app", spec, "--dir", self.dir] + list(extra_args),
            cwd=self.dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=place_fds, close_fds=False, env=env,
        )
        theirs.close()
        os.close(child_sock)
        os.close(child_dump)
        os.close(dump_w)
        self.sock = ours
        self.sock.settimeout(20)
        self.dump_fd = dump_r
        self.buf = bytearray()
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.idle_logs = []
        self.pending = collections.deque()  # frames wait_for_log read ahead, for later reads
        self.next_rid = 1
        self._readers = [
            threading.Thread(target=self._drain, args=(self.proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._drain, args=(self.proc.stderr, self.stderr), daemon=True),
        ]
        for t in self._readers:
            t.start()

    @staticmethod
    def _drain(pipe, sink):
        for chunk in iter(lambda: pipe.read1(65536), b""):
            sink += chunk

    # -- raw frames ---------------------------------------------------------------------

    def send(self, ftype, rid, payload=b""):
        self.sock.sendall(frame(ftype, rid, payload))

    def recv_frame(self, timeout=20):
        if self.pending:
            return self.pending.popleft()
        return self._read_frame(timeout)

    def _read_frame(self, timeout):
        self.sock.settimeout(timeout)
        while True:
            if len(self.buf) >= 9:
                length, ftype, rid = HEADER.unpack_from(self.buf)
                if len(self.buf) >= 9 + length:
                    payload = bytes(self.buf[9:9 + length])
                    del self.buf[:9 + length]
                    return ftype, rid, payload
            data = self.sock.recv(1 << 20)
            if not data:
                return None
            self.buf += data

    def wait_for_log(self, text, timeout=10):
        """Read frames until a LOG whose text contains `text` has arrived; returns its record.

        Every frame read (the match included) stays queued for later recv_frame/collect/boot
        calls, so waiting here changes nothing about what those see."""
        for ftype, rid, payload in self.pending:
            if ftype == LOG and text in json.loads(payload)["text"]:
                return json.loads(payload)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no LOG containing %r; stderr=%r" % (text, bytes(self.stderr)))
            try:
                f = self._read_frame(remaining)
            except socket.timeout:
                continue  # the deadline check above reports it
            if f is None:
                raise EOFError("channel closed before a LOG containing %r" % text)
            self.pending.append(f)
            ftype, rid, payload = f
            if ftype == LOG and text in json.loads(payload)["text"]:
                return json.loads(payload)

    def boot(self):
        """Frames until READY or BOOT_FAILED: (type, json payload)."""
        while True:
            f = self.recv_frame()
            if f is None:
                return None, None
            ftype, rid, payload = f
            if ftype == LOG:
                self.idle_logs.append(json.loads(payload))
                continue
            return ftype, json.loads(payload)

    def ready(self):
        ftype, info = self.boot()
        assert ftype == READY, (ftype, info, self.stderr)
        return info

    # -- requests -----------------------------------------------------------------------

    def start_request(self, environ=None, flags=0, body=None, method=None, path=None,
                      headers=None, chunked=False):
        env = list(BASE_ENVIRON)
        if method:
            env[0] = ("REQUEST_METHOD", method)
        if path:
            p, _, q = path.partition("?")
            env[2] = ("PATH_INFO", p)
            env[3] = ("QUERY_STRING", q)
        if body is not None:
            flags |= HAS_BODY
            if chunked:  # what the master sends for Transfer-Encoding: chunked
                env.append(("HTTP_TRANSFER_ENCODING", "chunked"))
            else:
                env.insert(4, ("CONTENT_LENGTH", str(len(body))))
        env.extend(headers or [])
        env.extend(environ or [])
        rid = self.next_rid
        self.next_rid += 1
        self.send(REQUEST, rid, request_payload(flags, env))
        return rid

    def send_body(self, rid, body, chunk=1000, gone=False):
        for i in range(0, len(body), chunk):
            self.send(BODY, rid, body[i:i + chunk])
        self.send(BODY_END, rid, b"\x01" if gone else b"\x00")

    def collect(self, rid, on_frame=None, timeout=20):
        resp = Response()
        while True:
            f = self.recv_frame(timeout)
            if f is None:
                raise EOFError("worker closed the channel; stderr=%r" % bytes(self.stderr))
            ftype, frid, payload = f
            resp.frames.append((ftype, frid, payload))
            if ftype == LOG:
                record = json.loads(payload)
                record["rid"] = frid
                if frid == rid:
                    resp.logs.append(record)
                else:
                    self.idle_logs.append(record)
                continue
            assert frid == rid, (ftype, frid, rid)
            if ftype == START:
                parts = payload.decode("latin-1").split("\0")
                resp.status = parts[0]
                resp.headers = list(zip(parts[1::2], parts[2::2]))
            elif ftype == RBODY:
                resp.body += payload
                resp.body_frames.append(len(payload))
            elif ftype == CONTINUE:
                resp.continued = True
            elif ftype == END:
                head, _, captured = payload.partition(b"\n")
                resp.end = json.loads(head)
                if captured:
                    resp.end["capture"] = json.loads(captured)
                return resp
            if on_frame is not None:
                on_frame(ftype, payload, resp)

    def request(self, body=None, chunk=1000, **kw):
        rid = self.start_request(body=body, **kw)
        if body is not None and not kw.get("flags", 0) & EXPECT_CONTINUE:
            self.send_body(rid, body, chunk)
        return self.collect(rid)

    # -- lifecycle ----------------------------------------------------------------------

    def read_dump(self, until=("File",), timeout=5):
        """The stack dump from fd 4, read until every string in `until` is in it (or the
        deadline passes: the caller's assertions then show what did arrive)."""
        deadline = time.monotonic() + timeout
        out = b""
        os.set_blocking(self.dump_fd, False)
        while True:
            try:
                data = os.read(self.dump_fd, 65536)
            except BlockingIOError:
                data = None
            if data:
                out += data
            text = out.decode("utf-8", "replace")
            if all(s in text for s in until) or time.monotonic() >= deadline:
                return text
            if not data:
                time.sleep(0.02)  # poll interval, bounded by the deadline

    def wait(self, timeout=10):
        return self.proc.wait(timeout)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        for t in self._readers:
            t.join(2)
        self.proc.stdout.close()
        self.proc.stderr.close()
        os.close(self.dump_fd)
        shutil.rmtree(self.dir, ignore_errors=True)

    def kill(self, sig):
        os.kill(self.proc.pid, sig)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


SIGUSR1 = signal.SIGUSR1
SIGTERM = signal.SIGTERM
