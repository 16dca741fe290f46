"""Zygote mode (``--zygote SOCKET_PATH``, the master's ``--preload``): import the app once,
then fork one worker per FORK request, so a generation costs one import instead of one per
worker, and the workers share the imported code copy-on-write.

The zygote is spawned exactly like a worker (fd 3 its channel, fds 1/2 console pipes, fd 4 the
stack pipe) and boots like one (BOOT_FAILED and exit 4, or READY with its own pid); with
``--standby`` too, it waits for GO before importing the app (standby.py). Then it waits on its
channel:

* FORK (request id = fork id, payload = a token): fork. The child becomes a normal worker: it
  connects to the master's Unix socket at SOCKET_PATH (a master cannot hand a socketpair end to
  a process it did not spawn), sends HELLO (fork id, pid, token) then READY (its pid), and
  serves like any worker. The zygote answers FORKED (fork id, child pid), or FORK_FAILED.
* SHUTDOWN (or SIGTERM): fork no more; exit 0 once every child has exited.
* EOF: the master is gone; exit now (the children die with us: see below).

The zygote reaps its children (SIGCHLD wakes its loop through signal.set_wakeup_fd) and
reports each exit as CHILD_EXIT (pid, code, signal), after relaying the output the child left.

Each child gets its own stdout, stderr and stack pipes from the zygote (fds 1, 2, 4 in the
child); the zygote relays what arrives on them as CHILD_OUTPUT frames tagged with the child's
pid, so C-level output and faulthandler dumps are attributed to the right worker (inheriting
the zygote's own pipes would mix all children together).

Process lifetime: the zygote has PR_SET_PDEATHSIG(SIGKILL) towards the master (as any
worker), each child towards the zygote, so nothing outlives the master; a child also exits on
EOF of its own channel.

After fork, in the child: the zygote's SIGCHLD handler and wakeup fd give way to the app's
(if it set any at import), the selector, pipes and channel are dropped, SIGTERM watches the
child's channel (unless the app installed its own handler, which stays, as in a spawned worker); sys.stdout/sys.stderr/wsgi.errors and the logging hook are rebound to the child's
channel; random is re-seeded (CPython does it already through os.register_at_fork; libraries
that hold other per-process state can register their own ``after_in_child`` hooks, which
os.fork() runs). Threads the app started while importing do not exist in the children (the
zygote says so once, as a LOG line). Before each fork the zygote calls gc.freeze(), so the
objects of the import stay shared copy-on-write instead of being touched by each child's GC.
"""

import gc
import os
import selectors
import signal
import socket
import sys
import threading
import time

from . import errors, lifecycle, log_handler
from .channel import Channel, MasterGone
from .compact_json import dumps_bytes as _json
from .protocol import (
    CHILD_EXIT, CHILD_OUTPUT, EXIT_WORKER_BOOT_ERROR, FORK, FORK_FAILED, FORKED, HELLO, LOG, SHUTDOWN,
    pack_header,
)

#: Blocked around fork(): a SIGTERM for the new child waits until the child has its own handler.
_FORK_BLOCKED = {signal.SIGTERM, signal.SIGCHLD}
#: The fds a child gets its own pipe for: stdout, stderr, the faulthandler stack pipe.
CHILD_FDS = (1, 2, 4)
RELAY_READ = 64 * 1024

_WAKE = "wake"
_CHANNEL = "channel"


def _exit_status(status):
    """(code, signal name) from a wait status, as Node reports a child's exit."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "SIG%d" % sig
        return None, name
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status), None
    return None, None


class Zygote:
    def __init__(self, channel, console, socket_path):
        self.channel = channel
        self.console = console
        self.socket_path = socket_path
        self.pid = os.getpid()
        self.children = {}  # pid -> [read fds of its pipes still open]
        self.pipes = {}  # read fd -> (child pid, fd it stands for in the child)
        self.selector = None
        self.wake_r = self.wake_w = -1
        # The app's own SIGCHLD handler and wakeup fd, if it set them at import: the children
        # get them back.
        self.app_sigchld = signal.SIG_DFL
        self.app_wakeup_fd = -1
        self.warned_threads = False

    # -- the zygote's loop ----------------------------------------------------------------

    def run(self):
        """Serve FORK requests. Returns None when the zygote should exit, or, in a forked
        child, the child's Channel (the caller then sends READY and serves requests)."""
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        # A Python-level handler is what makes the C handler write to the wakeup fd.
        self.app_sigchld = signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        if self.app_sigchld is None:
            self.app_sigchld = signal.SIG_DFL  # set outside Python: the default is all we can do
        self.app_wakeup_fd = signal.set_wakeup_fd(self.wake_w)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.wake_r, selectors.EVENT_READ, _WAKE)
        self.selector.register(self.channel.sock, selectors.EVENT_READ, _CHANNEL)
        channel = self.channel
        while True:
            if channel.eof:
                return None  # the master is gone; our children die with us (pdeathsig)
            if channel.shutdown and not self.children:
                return None
            # Frames may be waiting already (a standby zygote read FORKs along with GO): then
            # only look, do not sleep.
            for key, _ in self.selector.select(timeout=0 if channel.frames else 1.0):
                what = key.data
                if what is _WAKE:
                    self._drain_wake()
                elif what is _CHANNEL:
                    channel.poll()
                else:
                    self._relay(key.fd)
            self._reap()
            while channel.frames:
                ftype, rid, payload = channel.frames.popleft()
                if ftype == SHUTDOWN:
                    channel.shutdown = True
                elif ftype == FORK and not channel.shutdown:
                    child_channel = self._fork(rid, payload)
                    if child_channel is not None:
                        return child_channel
                # Anything else is not for a zygote: ignored.

    def _drain_wake(self):
        try:
            while os.read(self.wake_r, 512):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def _relay(self, fd):
        """Forward what a child wrote on one of its pipes; forget the pipe at EOF."""
        pid, target = self.pipes[fd]
        while True:
            try:
                data = os.read(fd, RELAY_READ)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._close_pipe(fd)
                return
            self.channel.send_frame(CHILD_OUTPUT, pid, bytes((target,)) + data)
            if len(data) < RELAY_READ:
                return

    def _close_pipe(self, fd):
        pid, _ = self.pipes.pop(fd)
        self.selector.unregister(fd)
        os.close(fd)
        fds = self.children.get(pid)
        if fds is not None and fd in fds:
            fds.remove(fd)

    def _reap(self):
        for pid in list(self.children):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, None  # someone else reaped it: exit unknown
            except InterruptedError:
                continue
            if done == 0:
                continue
            # What the child wrote before it died is still in its pipes: it goes out first.
            for fd in list(self.children.pop(pid)):
                self._relay(fd)
            code, signame = _exit_status(status) if status is not None else (None, None)
            self.channel.send_frame(CHILD_EXIT, pid, _json({"pid": pid, "code": code,
                                                            "signal": signame}))

    # -- forking --------------------------------------------------------------------------

    def _fork(self, fork_id, token):
        made = []
        try:
            for target in CHILD_FDS:
                r, w = os.pipe()
                made.append((target, r, w))
        except OSError as exc:
            for _, r, w in made:
                os.close(r)
                os.close(w)
            self._fork_failed(fork_id, exc)
            return None
        self._warn_threads()
        for stream in (sys.__stdout__, sys.__stderr__):
            try:
                stream.flush()  # or the child would print the zygote's buffered text again
            except Exception:
                pass
        # What the import built goes to the GC's permanent generation: a child's collections
        # then never write to those objects' headers, so their pages stay shared (gc docs).
        gc.freeze()
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _FORK_BLOCKED)
        try:
            pid = os.fork()
        except OSError as exc:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
            for _, r, w in made:
                os.close(r)
                os.close(w)
            self._fork_failed(fork_id, exc)
            return None
        if pid == 0:
            try:
                return self._become_worker(fork_id, token, made, old_mask)
            except MasterGone:
                os._exit(0)
            except BaseException:
                try:
                    import traceback  # only now: errors are rare and traceback is slow to import

                    os.write(2, ("forkwatch worker: cannot start after fork:\n"
                                 + traceback.format_exc()).encode("utf-8", "replace"))
                finally:
                    os._exit(EXIT_WORKER_BOOT_ERROR)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        fds = []
        for target, r, w in made:
            os.close(w)
            os.set_blocking(r, False)
            self.pipes[r] = (pid, target)
            self.selector.register(r, selectors.EVENT_READ, pid)
            fds.append(r)
        self.children[pid] = fds
        self.channel.send_frame(FORKED, fork_id, _json({"pid": pid}))
        return None

    def _fork_failed(self, fork_id, exc):
        self.channel.send_frame(FORK_FAILED, fork_id, _json(errors.describe(exc)))

    def _warn_threads(self):
        if self.warned_threads or threading.active_count() <= 1:
            return
        self.warned_threads = True
        names = ", ".join(sorted(t.name for t in threading.enumerate()
                                 if t is not threading.main_thread()))
        text = ("forkwatch: the app started threads while importing (%s); forked workers "
                "have only the main thread" % names)
        payload = _json({"stream": "stderr", "text": text, "time": time.time()})
        self.channel.send(pack_header(len(payload), LOG, 0) + payload)

    def _become_worker(self, fork_id, token, made, old_mask):
        """In the child: drop the zygote's state, connect to the master, say HELLO."""
        signal.set_wakeup_fd(self.app_wakeup_fd)
        signal.signal(signal.SIGCHLD, self.app_sigchld)
        self.selector.close()
        os.close(self.wake_r)
        os.close(self.wake_w)
        for fd in self.pipes:  # the other children's pipes
            os.close(fd)
        self.pipes.clear()
        self.children.clear()
        # Our own pipes become fds 1, 2 and 4. 1 and 2 are always taken (the zygote's console),
        # so a pipe end can only collide with 4, which comes last.
        for target, r, w in made:
            os.close(r)
            if w != target:
                os.dup2(w, target)
                os.close(w)
        self.channel.sock.close()
        lifecycle.die_with_parent(self.pid)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(self.socket_path)
        except OSError:
            raise MasterGone()
        channel = Channel(sock)
        lifecycle.rebind_signals(channel)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        random = sys.modules.get("random")
        if random is not None:
            random.seed()  # CPython's own at-fork hook does this too; cheap insurance
        self.console.rebind(channel)
        log_handler.install(channel)
        channel.send_frame(HELLO, fork_id, _json({"pid": os.getpid(),
                                                  "token": token.decode("ascii", "replace")}))
        return channel
