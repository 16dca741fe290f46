"""Worker boot: arguments, channel, signals, console, sys.path, app import, READY, serve.
With --zygote, the process imports the app once and forks the workers (zygote.py).
With --standby, it waits for GO from the master before importing the app (standby.py).

Exit codes follow protocol.ts (gunicorn's names): 0 OK, 3 WORKER_BOOT_ERROR (the worker
itself could not start), 4 APP_LOAD_ERROR (after BOOT_FAILED).
"""

import atexit
import os
import socket
import sys

from . import boot, errors, lifecycle, log_handler
from .channel import Channel, MasterGone
from .compact_json import dumps_bytes as _json
from .console import Console
from .loop import serve
from .protocol import (
    BOOT_FAILED, EXIT_APP_LOAD_ERROR, EXIT_OK, EXIT_WORKER_BOOT_ERROR, PROTOCOL_VERSION, READY,
)

CHANNEL_FD = 3


def parse_args(argv):
    """--app SPEC --dir PROJECT_DIR [--zygote SOCKET_PATH] [--standby] (also --app=SPEC).
    argparse is not worth its import. Returns (spec, project dir, zygote socket path or None,
    standby)."""
    opts = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--standby":
            opts[arg] = True
            i += 1
            continue
        key, eq, value = arg.partition("=")
        if key not in ("--app", "--dir", "--zygote"):
            raise ValueError("unknown argument %r" % arg)
        if not eq:
            i += 1
            if i >= len(argv):
                raise ValueError("%s needs a value" % key)
            value = argv[i]
        opts[key] = value
        i += 1
    if "--app" not in opts:
        raise ValueError("--app is required")
    return (opts["--app"], opts.get("--dir") or os.getcwd(), opts.get("--zygote") or None,
            opts.get("--standby", False))


def setup_path(project_dir):
    """Project dir first on sys.path, like gunicorn's --chdir, so `module:app` resolves."""
    os.chdir(project_dir)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != project_dir]
    sys.path.insert(0, project_dir)
    errors.set_project_dir(project_dir)


def _ready(spec):
    return _json({
        "pid": os.getpid(),
        "python": errors.current_python(),
        "executable": sys.executable,
        "app": spec,
        "protocol": PROTOCOL_VERSION,
    })


def main(argv, parent_pid=None):
    try:
        spec, project_dir, zygote_socket, is_standby = parse_args(argv)
        lifecycle.die_with_parent(parent_pid)
        lifecycle.yield_to_master()
        channel = Channel(socket.socket(fileno=CHANNEL_FD))
        lifecycle.install_faulthandler()
        lifecycle.install_signals(channel)
        project_dir = os.path.abspath(project_dir)
        setup_path(project_dir)
        console = Console(channel)
        console.install(sys)
        log_handler.install(channel)
        # Registered first, so it runs last: lines the app prints in its own atexit
        # handlers still go out.
        atexit.register(console.flush_all)
        if zygote_socket is not None:
            # Before the app: the zygote's loop must not use modules the app monkey-patches.
            from . import zygote
        if is_standby:
            # Only here (importlib and warnings cost every other worker's boot), and now, not
            # after GO, whose answer the master is waiting for.
            from . import standby
    except Exception:
        import traceback  # only now: errors are rare and traceback is slow to import

        sys.__stderr__.write("forkwatch worker: cannot start:\n" + traceback.format_exc())
        return EXIT_WORKER_BOOT_ERROR

    try:
        if is_standby:
            if not standby.wait_for_go(channel):
                return EXIT_OK
            standby.prepare_import()
        try:
            app = boot.load_app(spec)
        except boot.BootError as exc:
            failure = dict(exc.info)
            failure["stage"] = exc.stage
            console.flush_all()
            channel.send_frame(BOOT_FAILED, 0, _json(failure))
            return EXIT_APP_LOAD_ERROR
        # Catch up if the app imported logging past our finder (its own finder in front of
        # ours); a no-op otherwise.
        log_handler.install(channel)
        channel.send_frame(READY, 0, _ready(spec))
        if zygote_socket is not None:
            # Preload: this process only forks workers. run() returns in each child, with
            # the child's own channel to the master; in the zygote, when it is time to exit.
            channel = zygote.Zygote(channel, console, zygote_socket).run()
            if channel is None:
                return EXIT_OK
            channel.send_frame(READY, 0, _ready(spec))
        serve(channel, app, console)
    except MasterGone:
        pass  # nobody left to talk to: exit quietly
    finally:
        console.flush_all()
    return EXIT_OK
