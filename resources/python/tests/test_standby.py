"""Standby mode (--standby): boot up to the app's import, wait for GO, then be a worker.

The test plays the master with harness.Worker. "Parked" is observed, not assumed: the
standby's Python stack (faulthandler, SIGUSR1) shows it inside wait_for_go.
"""

import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import BOOT_FAILED, READY, SHUTDOWN, Worker  # noqa: E402
from test_lean_boot import LATE_LOGGING_APP, check_late_logging  # noqa: E402

GO = 0x07
LINUX = sys.platform.startswith("linux")

APP = r'''
import os
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "imports.txt"), "a") as f:
    f.write("%d\n" % os.getpid())
TEXT = "v1"

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [TEXT.encode()]
'''


def sigusr1_caught(pid):
    """faulthandler's SIGUSR1 handler is installed (before it, SIGUSR1 would kill the process)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGUSR1 - 1)))
    return False


def wait_parked(w, timeout=10):
    """Until the standby's main thread is blocked in wait_for_go."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sigusr1_caught(w.proc.pid):
            w.kill(signal.SIGUSR1)
            dump = w.read_dump(until=("wait_for_go",), timeout=1)
            if "wait_for_go" in dump:
                return
        else:
            time.sleep(0.01)  # booting: poll its signal mask again
    raise TimeoutError("the standby never parked; stderr=%r" % bytes(w.stderr))


def standby(files):
    return Worker(files, extra_args=("--standby",))


@unittest.skipUnless(LINUX, "reads /proc to see the standby's signal handlers")
class StandbyTest(unittest.TestCase):
    def imports(self, w):
        try:
            with open(os.path.join(w.dir, "imports.txt")) as f:
                return f.read().split()
        except FileNotFoundError:
            return []

    def test_imports_the_code_as_it_is_at_go(self):
        with standby({"app.py": APP}) as w:
            wait_parked(w)
            self.assertEqual(self.imports(w), [])
            # Edited, and a module created, while the standby waited: GO must see both.
            with open(os.path.join(w.dir, "helper.py"), "w") as f:
                f.write('TEXT = "v2 from a new module"\n')
            with open(os.path.join(w.dir, "app.py"), "w") as f:
                f.write(APP.replace('TEXT = "v1"', "from helper import TEXT"))
            w.send(GO, 0)
            info = w.ready()
            self.assertEqual(info["pid"], w.proc.pid)
            self.assertEqual(w.request().body, b"v2 from a new module")
            self.assertEqual(self.imports(w), [str(w.proc.pid)])

    def test_boot_failure_after_go(self):
        with standby({"app.py": "def app(environ, start_response:\n"}) as w:
            wait_parked(w)
            w.send(GO, 0)
            ftype, failure = w.boot()
            self.assertEqual(ftype, BOOT_FAILED)
            self.assertEqual(failure["type"], "SyntaxError")
            self.assertEqual(w.wait(), 4)

    def test_shutdown_while_parked_exits_without_importing(self):
        with standby({"app.py": APP}) as w:
            wait_parked(w)
            w.send(SHUTDOWN, 0)
            self.assertEqual(w.wait(), 0)
            self.assertEqual(self.imports(w), [])

    def test_sigterm_while_parked_exits_without_importing(self):
        with standby({"app.py": APP}) as w:
            wait_parked(w)
            w.kill(signal.SIGTERM)
            self.assertEqual(w.wait(), 0)
            self.assertEqual(self.imports(w), [])

    def test_master_gone_while_parked_exits(self):
        with standby({"app.py": APP}) as w:
            wait_parked(w)
            w.sock.close()
            self.assertEqual(w.wait(), 0)
            self.assertEqual(self.imports(w), [])

    def test_logging_imported_after_go_is_hooked(self):
        with standby({"app.py": LATE_LOGGING_APP}) as w:
            wait_parked(w)
            w.send(GO, 0)
            w.ready()
            check_late_logging(self, w)

    def test_go_sent_before_parking_is_kept(self):
        # The master may take a standby that is still booting: GO waits in the channel.
        with standby({"app.py": APP}) as w:
            w.send(GO, 0)
            self.assertEqual(w.boot()[0], READY)
            self.assertEqual(w.request().body, b"v1")


if __name__ == "__main__":
    unittest.main()
