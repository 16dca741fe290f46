"""Process plumbing: dying with the master, scheduling, signals and faulthandler.

* PR_SET_PDEATHSIG(SIGKILL): a worker must never outlive its master (Linux only; EOF on
  the channel covers the other platforms).
* SCHED_BATCH (Linux): see yield_to_master().
* SIGUSR1: faulthandler dumps every thread's stack to fd 4, from C, even while the app is
  stuck in a loop or a C call: how the master shows where a busy worker is.
* SIGTERM: graceful, like gunicorn's: finish the current request, then exit 0. While idle
  we exit at once (shutdown(SHUT_RD) turns the blocked recv into EOF; a REQUEST that raced
  the signal and is already queued is still served).
* SIGINT: exit now (default action). Ctrl-C in the master's terminal reaches the whole
  process group; the master decides what happens next.
* SIGPIPE stays ignored (Python's default): a dead master shows up as EPIPE/EOF on fd 3,
  which the serving loop turns into a quiet exit.
"""

import faulthandler
import os
import signal
import sys

PR_SET_PDEATHSIG = 1

_keep = []  # file objects faulthandler writes to must stay alive


def die_with_parent(parent_pid):
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except Exception:
            pass
    # The master may have died before prctl: then nobody would ever kill us.
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)


def yield_to_master():
    """Run under SCHED_BATCH: the same nice value and CPU share, but a worker woken by a
    request no longer preempts the running master (the kernel's wakeup preemption).

    Every request passes through the one master process, which wakes a worker with each
    request it writes. Under load on few cores the woken worker used to preempt the master
    in the middle of its event loop turn: measured with 2 cores at c=32, 150-540
    involuntary context switches of the master per 1,000 requests, 20-230 with this, and
    12-36% more requests per second in interleaved pairs. The policy is inherited by the app's threads and
    by forks (zygote workers); it changes nothing for a worker that has a core to itself.
    """
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_BATCH"):
        try:
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
        except OSError:
            pass  # a container's seccomp policy, say: keep the default policy


def install_faulthandler():
    try:
        os.fstat(4)
        dump = open(4, "w", closefd=False)
    except OSError:
        dump = sys.__stderr__  # started by hand without fd 4: dump to the console instead
    if dump is not None:
        _keep.append(dump)
        faulthandler.register(signal.SIGUSR1, file=dump, all_threads=True)
    if sys.__stderr__ is not None:
        # Segfaults in C extensions: a Python stack on the console instead of silence.
        faulthandler.enable(file=sys.__stderr__, all_threads=True)


def _term_handler(channel):
    def on_term(signum, frame):
        channel.shutdown = True
        if channel.idle:
            channel.stop_reading()

    on_term._forkwatch = True
    return on_term


def install_signals(channel):
    signal.signal(signal.SIGTERM, _term_handler(channel))
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)


def rebind_signals(channel):
    """In a worker forked by the zygote: SIGTERM now watches the worker's own channel, unless
    the app installed a handler of its own at import (then it stays, as in a spawned worker,
    where the app's import also comes after install_signals)."""
    if getattr(signal.getsignal(signal.SIGTERM), "_forkwatch", False):
        signal.signal(signal.SIGTERM, _term_handler(channel))
