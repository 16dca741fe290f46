"""Standby mode (``--standby``): a worker that has booted everything except the app.

Starting a Python interpreter and importing this package costs tens of milliseconds, most of a
reload of a small app. So the master keeps a few processes started with ``--standby``: they
boot exactly like a worker (channel, signals, console, sys.path) and then wait here, before
importing anything of the project. When the master needs a worker (a reload's new generation,
a replacement) it sends GO to a standby, which then imports the app and says READY (or
BOOT_FAILED) as a freshly spawned worker would, and serves.

What a standby must not have done before GO: import project code (the new generation must see
the files as they are when the reload starts). The only project-related state it holds is
sys.path and the import system's directory caches, which GO invalidates.

While waiting, SHUTDOWN, SIGTERM (the channel's idle path, see lifecycle) and EOF (the master
is gone) make it exit 0.
"""

import importlib
import select

from .protocol import GO, SHUTDOWN


def wait_for_go(channel):
    """Block until GO (True) or until the standby should exit (False)."""
    frames = channel.frames
    # Idle: a SIGTERM from now on shuts the channel's read side, which select sees as EOF.
    channel.idle = True
    try:
        while True:
            while frames:
                ftype, _, _ = frames.popleft()
                if ftype == GO:
                    return True
                if ftype == SHUTDOWN:
                    return False
                # Nothing else is sent to a standby before GO.
            if channel.shutdown or channel.eof:
                return False
            select.select([channel.sock], [], [])
            channel.poll()
    finally:
        channel.idle = False


def prepare_import():
    """After GO: files created while we waited must be found (FileFinder caches listings)."""
    importlib.invalidate_caches()
