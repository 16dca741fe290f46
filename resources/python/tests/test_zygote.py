"""Zygote mode (--zygote SOCKET): one import, forked workers that connect back to the master.

The test plays the master: it spawns the zygote like a worker (harness.Worker with
--zygote), listens on the Unix socket the forked workers connect to, and speaks both sides
of the protocol (FORK/FORKED/CHILD_EXIT/CHILD_OUTPUT to the zygote, HELLO/READY/requests
with each forked worker).
"""

import collections
import fcntl
import json
import os
import shutil
import signal
import socket
import struct
import sys
import tempfile
import termios
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import frame  # noqa: E402
from test_lean_boot import LATE_LOGGING_APP, check_late_logging  # noqa: E402
from test_standby import GO, wait_parked  # noqa: E402
from harness import (  # noqa: E402
    BOOT_FAILED, CHILD_EXIT, CHILD_OUTPUT, FORK, FORKED, HELLO, LOG, READY, SHUTDOWN, Worker,
)

LINUX = sys.platform.startswith("linux")

APP = r'''
import logging, os, random, signal, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "imports.txt"), "a") as f:
    f.write("%d\n" % os.getpid())
print("imported in", os.getpid())

AT_FORK = []
os.register_at_fork(after_in_child=lambda: AT_FORK.append(os.getpid()))

def text(start_response, body):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode()]

def who(environ, start_response):
    return text(start_response, "%d %d" % (os.getpid(), os.getppid()))

def rand(environ, start_response):
    return text(start_response, "%d %s" % (random.getrandbits(64), AT_FORK == [os.getpid()]))

def raw(environ, start_response):
    os.write(1, b"raw-out-%d\n" % os.getpid())
    os.write(2, b"raw-err-%d\n" % os.getpid())
    print("py-print")
    logging.getLogger("zt").warning("logged")
    return text(start_response, "ok")

def sleepy(environ, start_response):
    def sleeping_in_the_app():
        print("sleepy started", flush=True)
        time.sleep(float(environ["QUERY_STRING"] or "5"))
    sleeping_in_the_app()
    return text(start_response, "slept")

def dump_and_die(environ, start_response):
    def sleeping_in_the_app():
        # A thread-directed signal is handled before pthread_kill returns: faulthandler has
        # written the whole stack to fd 4 when the SIGKILL goes out.
        signal.pthread_kill(threading.get_ident(), signal.SIGUSR1)
        os.kill(os.getpid(), signal.SIGKILL)
    sleeping_in_the_app()

ROUTES = {"who": who, "rand": rand, "raw": raw, "sleepy": sleepy, "dump_and_die": dump_and_die}

def app(environ, start_response):
    return ROUTES[environ["PATH_INFO"].strip("/") or "who"](environ, start_response)
'''


class Child(Worker):
    """The master's side of one forked worker's connection (no process of our own)."""

    def __init__(self, sock, fork_id):
        self.sock = sock
        self.buf = bytearray()
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.idle_logs = []
        self.pending = collections.deque()
        self.next_rid = 1
        ftype, rid, payload = self.recv_frame()
        assert ftype == HELLO, (ftype, rid, payload)
        assert rid == fork_id, (rid, fork_id)
        self.hello = json.loads(payload)
        self.pid = self.hello["pid"]
        self.ready_info = self.ready()

    def close(self):
        self.sock.close()


def alive(pid):
    """True while pid is a live process (zombies count as dead)."""
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    if LINUX:
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    return True


def wait_dead(pid, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.02)
    return False


def wait_until(condition, what, timeout=10):
    """Poll condition() until it is true; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise TimeoutError("timed out waiting for " + what)
        time.sleep(0.01)


def unread_by_peer(sock):
    """Bytes sent on a Unix socket that the other end has not read yet (Linux SIOCOUTQ)."""
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]


def signal_pending(pid, signum):
    """True while signum is pending (generated, not yet delivered) for pid, from /proc."""
    with open("/proc/%d/status" % pid) as f:
        masks = dict(line.split(":", 1) for line in f if line.startswith(("SigPnd", "ShdPnd")))
    return any(int(mask, 16) >> (signum - 1) & 1 for mask in masks.values())


class ZygoteTest(unittest.TestCase):
    files = {"app.py": APP}
    extra_args = ()

    def setUp(self):
        self.sockdir = tempfile.mkdtemp(prefix="fw-zt-")
        self.path = os.path.join(self.sockdir, "s")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(16)
        self.listener.settimeout(20)
        self.zygote = Worker(self.files, extra_args=["--zygote", self.path] + list(self.extra_args))
        self.events = []  # zygote frames not consumed yet: (type, rid, payload)
        self.children = []
        self.next_fork = 1

    def tearDown(self):
        for child in self.children:
            child.close()
        self.zygote.close()
        self.listener.close()
        shutil.rmtree(self.sockdir, ignore_errors=True)

    def zygote_frame(self, ftype, rid=None, timeout=20, match=None):
        """The next zygote frame of a type (and rid, and for which match(payload) is true),
        keeping the others in self.events."""
        def wanted(t, r, p):
            return t == ftype and (rid is None or r == rid) and (match is None or match(p))
        for i, (t, r, p) in enumerate(self.events):
            if wanted(t, r, p):
                del self.events[i]
                return r, p
        deadline = time.time() + timeout
        while time.time() < deadline:
            f = self.zygote.recv_frame(max(deadline - time.time(), 0.001))
            if f is None:
                raise EOFError("zygote closed its channel; stderr=%r" % bytes(self.zygote.stderr))
            if wanted(*f):
                return f[1], f[2]
            self.events.append(f)
        raise TimeoutError("no frame 0x%x" % ftype)

    def fork(self, token=b"secret-token"):
        fork_id = self.next_fork
        self.next_fork += 1
        self.zygote.send(FORK, fork_id, token)
        _, payload = self.zygote_frame(FORKED, fork_id)
        pid = json.loads(payload)["pid"]
        conn, _ = self.listener.accept()
        child = Child(conn, fork_id)
        self.children.append(child)
        self.assertEqual(child.pid, pid)
        self.assertEqual(child.hello["token"], token.decode())
        self.assertEqual(child.ready_info["pid"], pid)
        return child

    def child_exit(self, pid):
        _, payload = self.zygote_frame(CHILD_EXIT, pid)
        info = json.loads(payload)
        self.assertEqual(info["pid"], pid)
        return info

    def output_of(self, pid, fd, until, timeout=10):
        """Concatenated CHILD_OUTPUT of one child's fd, once `until` is in it."""
        deadline = time.time() + timeout
        out = b""
        while time.time() < deadline:
            # Other fds' output stays in self.events.
            _, payload = self.zygote_frame(CHILD_OUTPUT, pid, timeout=deadline - time.time(),
                                           match=lambda p: p[0] == fd)
            out += payload[1:]
            if until in out:
                return out
        raise TimeoutError("%r not in %r" % (until, out))


class ForkTests(ZygoteTest):
    def test_zygote_is_ready_with_its_own_pid(self):
        info = self.zygote.ready()
        self.assertEqual(info["pid"], self.zygote.proc.pid)

    def test_forked_worker_serves_and_its_parent_is_the_zygote(self):
        self.zygote.ready()
        child = self.fork()
        resp = child.request(path="/who")
        self.assertEqual(resp.status, "200 OK")
        pid, ppid = map(int, resp.body.split())
        self.assertEqual(pid, child.pid)
        self.assertNotEqual(pid, self.zygote.proc.pid)
        self.assertEqual(ppid, self.zygote.proc.pid)

    def test_the_app_is_imported_once_for_all_workers(self):
        self.zygote.ready()
        children = [self.fork() for _ in range(3)]
        for child in children:
            self.assertEqual(child.request(path="/who").status, "200 OK")
        with open(os.path.join(self.zygote.dir, "imports.txt")) as f:
            self.assertEqual(f.read().split(), [str(self.zygote.proc.pid)])
        # The import-time print went out once, as the zygote's LOG.
        prints = [rec for rec in self.zygote.idle_logs if rec["text"].startswith("imported in")]
        self.assertEqual(len(prints), 1)

    def test_random_is_reseeded_and_at_fork_hooks_run(self):
        self.zygote.ready()
        a, b = self.fork(), self.fork()
        ra = a.request(path="/rand").body.split()
        rb = b.request(path="/rand").body.split()
        self.assertNotEqual(ra[0], rb[0])
        self.assertEqual(ra[1], b"True")
        self.assertEqual(rb[1], b"True")

    def test_killed_child_is_reported_with_its_signal(self):
        self.zygote.ready()
        child = self.fork()
        os.kill(child.pid, signal.SIGKILL)
        self.assertEqual(self.child_exit(child.pid), {"pid": child.pid, "code": None,
                                                      "signal": "SIGKILL"})

    def test_shutdown_on_the_childs_channel_exits_0(self):
        self.zygote.ready()
        child = self.fork()
        child.send(SHUTDOWN, 0)
        self.assertEqual(self.child_exit(child.pid)["code"], 0)
        self.assertIsNone(child.recv_frame(5))  # EOF

    def test_sigterm_lets_the_request_finish(self):
        self.zygote.ready()
        child = self.fork()
        rid = child.start_request(path="/sleepy", environ=[("QUERY_STRING", "0.5")])
        child.wait_for_log("sleepy started")
        os.kill(child.pid, signal.SIGTERM)
        self.assertEqual(child.collect(rid).body, b"slept")
        self.assertEqual(self.child_exit(child.pid)["code"], 0)

    def test_output_goes_out_per_child_and_logs_on_its_channel(self):
        self.zygote.ready()
        a, b = self.fork(), self.fork()
        for child in (a, b):
            resp = child.request(path="/raw")
            self.assertEqual(resp.body, b"ok")
            streams = [(rec["stream"], rec["text"]) for rec in resp.logs]
            self.assertIn(("stdout", "py-print"), streams)
            self.assertIn(("logging", "logged"), streams)
        for child in (a, b):
            self.assertIn(b"raw-out-%d\n" % child.pid, self.output_of(child.pid, 1, b"\n"))
            self.assertIn(b"raw-err-%d\n" % child.pid, self.output_of(child.pid, 2, b"\n"))

    def test_stack_dump_comes_from_the_child(self):
        self.zygote.ready()
        child = self.fork()
        child.start_request(path="/sleepy", environ=[("QUERY_STRING", "3")])
        child.wait_for_log("sleepy started")
        os.kill(child.pid, signal.SIGUSR1)
        dump = self.output_of(child.pid, 4, b"sleeping_in_the_app")
        self.assertIn(b"File", dump)
        os.kill(child.pid, signal.SIGKILL)

    def test_output_written_just_before_death_precedes_child_exit(self):
        self.zygote.ready()
        child = self.fork()
        # The child dumps its stack (SIGUSR1) and SIGKILLs itself right after.
        child.start_request(path="/dump_and_die")
        self.assertEqual(self.child_exit(child.pid)["signal"], "SIGKILL")
        dumped = b"".join(p[1:] for t, r, p in self.events
                          if t == CHILD_OUTPUT and r == child.pid and p[0] == 4)
        self.assertIn(b"sleeping_in_the_app", dumped)

    def test_fork_requests_queued_during_the_import_are_served(self):
        # FORK frames sent before READY wait in the channel until the app is imported.
        self.zygote.send(FORK, 7, b"t")
        self.assertEqual(self.zygote.ready()["pid"], self.zygote.proc.pid)
        _, payload = self.zygote_frame(FORKED, 7)
        conn, _ = self.listener.accept()
        child = Child(conn, 7)
        self.children.append(child)
        self.assertEqual(child.pid, json.loads(payload)["pid"])


@unittest.skipUnless(LINUX, "sees the standby park through /proc")
class LateLoggingForkTests(ZygoteTest):
    """The app imports logging only in a request, so the zygote never loaded it: each forked
    worker hooks it at its own first import, and sends the records on its own connection."""

    files = {"app.py": LATE_LOGGING_APP}

    def test_records_go_out_on_each_forked_workers_connection(self):
        self.zygote.ready()
        a, b = self.fork(), self.fork()
        for child in (a, b):
            check_late_logging(self, child)


class StandbyZygoteTests(ZygoteTest):
    """--zygote with --standby: parked before the app's import until GO."""
    extra_args = ("--standby",)

    def test_imports_on_go_then_forks(self):
        wait_parked(self.zygote)
        self.assertFalse(os.path.exists(os.path.join(self.zygote.dir, "imports.txt")))
        self.zygote.send(GO, 0)
        self.assertEqual(self.zygote.ready()["pid"], self.zygote.proc.pid)
        child = self.fork()
        pid, ppid = map(int, child.request(path="/who").body.split())
        self.assertEqual(ppid, self.zygote.proc.pid)
        with open(os.path.join(self.zygote.dir, "imports.txt")) as f:
            self.assertEqual(f.read().split(), [str(self.zygote.proc.pid)])

    def test_forks_read_along_with_go_are_not_left_waiting(self):
        # GO and FORK in one write: the standby's wait read both, so the FORK is already in
        # the zygote's frame queue when its loop starts, with nothing more to come on the
        # socket. The loop must fork now, not after its 1 s select timeout.
        wait_parked(self.zygote)
        self.zygote.sock.sendall(frame(GO, 0) + frame(FORK, 3, b"t"))
        self.zygote.ready()
        ready_at = time.monotonic()
        self.zygote_frame(FORKED, 3, timeout=5)
        self.assertLess(time.monotonic() - ready_at, 0.9)
        conn, _ = self.listener.accept()
        self.children.append(Child(conn, 3))


class ZygoteLifetimeTests(ZygoteTest):
    def test_shutdown_waits_for_the_children(self):
        self.zygote.ready()
        child = self.fork()
        self.zygote.send(SHUTDOWN, 0)
        wait_until(lambda: unread_by_peer(self.zygote.sock) == 0, "the zygote to read SHUTDOWN")
        self.assertIsNone(self.zygote.proc.poll())
        self.assertEqual(child.request(path="/who").status, "200 OK")
        child.send(SHUTDOWN, 0)
        self.child_exit(child.pid)
        self.assertEqual(self.zygote.wait(), 0)

    def test_sigterm_waits_for_the_children_too(self):
        self.zygote.ready()
        child = self.fork()
        self.zygote.kill(signal.SIGTERM)
        wait_until(lambda: not signal_pending(self.zygote.proc.pid, signal.SIGTERM),
                   "the zygote to take SIGTERM")
        self.assertIsNone(self.zygote.proc.poll())
        os.kill(child.pid, signal.SIGTERM)
        self.child_exit(child.pid)
        self.assertEqual(self.zygote.wait(), 0)

    def test_no_fork_after_shutdown(self):
        self.zygote.ready()
        self.zygote.send(SHUTDOWN, 0)
        self.zygote.send(FORK, 1, b"t")
        self.assertEqual(self.zygote.wait(), 0)
        self.assertFalse(any(t == FORKED for t, _, _ in self.events))

    @unittest.skipUnless(LINUX, "PR_SET_PDEATHSIG is Linux-only")
    def test_children_die_with_the_zygote(self):
        self.zygote.ready()
        a, b = self.fork(), self.fork()
        self.zygote.kill(signal.SIGKILL)
        self.assertTrue(wait_dead(a.pid))
        self.assertTrue(wait_dead(b.pid))
        self.assertIsNone(a.recv_frame(5))

    def test_master_gone_ends_the_zygote_and_its_children(self):
        self.zygote.ready()
        child = self.fork()
        child.close()  # the worker's channel: EOF for it
        self.zygote.sock.close()  # the zygote's channel
        self.assertEqual(self.zygote.wait(), 0)
        self.assertTrue(wait_dead(child.pid))

    def test_boot_failure_is_reported_like_a_worker(self):
        broken = Worker({"app.py": "def app(environ, start_response:\n"},
                        extra_args=["--zygote", self.path])
        try:
            ftype, info = broken.boot()
            self.assertEqual(ftype, BOOT_FAILED)
            self.assertEqual(info["type"], "SyntaxError")
            self.assertEqual(info["stage"], "import")
            self.assertEqual(broken.wait(), 4)
        finally:
            broken.close()

    def test_child_that_cannot_reach_the_master_exits_quietly(self):
        self.zygote.ready()
        self.listener.close()
        os.unlink(self.path)
        self.zygote.send(FORK, 1, b"t")
        _, payload = self.zygote_frame(FORKED, 1)
        pid = json.loads(payload)["pid"]
        self.assertEqual(self.child_exit(pid)["code"], 0)


class ThreadWarningTests(ZygoteTest):
    files = {"app.py": APP + "\nthreading.Thread(target=time.sleep, args=(60,), "
                             "name='import-time', daemon=True).start()\n"}

    def test_threads_started_at_import_are_reported(self):
        self.zygote.ready()
        child = self.fork()
        self.assertEqual(child.request(path="/who").status, "200 OK")
        _, payload = self.zygote_frame(LOG, 0)
        self.assertIn("import-time", json.loads(payload)["text"])


APP_WITH_SIGNALS = APP + r'''
import signal

def app_on_term(signum, frame):
    os._exit(42)

def app_on_chld(signum, frame):
    pass

signal.signal(signal.SIGTERM, app_on_term)
signal.signal(signal.SIGCHLD, app_on_chld)

def handlers(environ, start_response):
    return text(start_response, "%s %s" % (signal.getsignal(signal.SIGTERM).__name__,
                                           signal.getsignal(signal.SIGCHLD).__name__))

ROUTES["handlers"] = handlers
'''


class AppSignalHandlerTests(ZygoteTest):
    """Handlers the app installs at import stay in the workers, as in spawned workers (whose
    import also comes after forkwatch installs its own)."""

    files = {"app.py": APP_WITH_SIGNALS}

    def test_the_apps_handlers_survive_the_fork(self):
        self.zygote.ready()
        child = self.fork()
        self.assertEqual(child.request(path="/handlers").body, b"app_on_term app_on_chld")
        os.kill(child.pid, signal.SIGTERM)
        self.assertEqual(self.child_exit(child.pid)["code"], 42)

    def test_same_as_a_spawned_worker(self):
        with Worker(self.files) as worker:
            worker.ready()
            self.assertEqual(worker.request(path="/handlers").body, b"app_on_term app_on_chld")
            worker.kill(signal.SIGTERM)
            self.assertEqual(worker.wait(), 42)


class NormalWorkerTests(unittest.TestCase):
    def test_without_zygote_nothing_changes(self):
        with Worker({"app.py": APP}) as worker:
            self.assertEqual(worker.ready()["pid"], worker.proc.pid)
            pid, ppid = map(int, worker.request(path="/who").body.split())
            self.assertEqual(pid, worker.proc.pid)
            self.assertEqual(ppid, os.getpid())


if __name__ == "__main__":
    unittest.main()
