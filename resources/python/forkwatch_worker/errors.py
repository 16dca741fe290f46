"""Turning Python exceptions into the protocol's PythonError JSON shape.

The master shows these to the developer, so the traceback is formatted exactly as Python
prints it (with source lines, via linecache), minus the worker's own leading frames, and
we point at the innermost frame that lives in the user's project (not in the stdlib, not
in site-packages, not in this package). PEP 3333 itself says nothing about error reports;
this is dev-server ergonomics.
"""

import os
import sys

# traceback is imported where a traceback is formatted, not at boot: with linecache,
# tokenize, textwrap and contextlib it costs every worker's boot ms, and errors are rare.

_WORKER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_project_dir = None
_user_cache = {}


def set_project_dir(path):
    global _project_dir
    _project_dir = os.path.abspath(path) + os.sep
    _user_cache.clear()


def is_worker_file(filename):
    return filename.startswith(_WORKER_DIR)


def is_user_file(filename):
    """True for files of the developer's project (cached: tracebacks repeat filenames)."""
    hit = _user_cache.get(filename)
    if hit is None:
        path = os.path.abspath(filename) if filename and not filename.startswith("<") else ""
        hit = bool(
            path
            and _project_dir is not None
            and path.startswith(_project_dir)
            and not path.startswith(_WORKER_DIR)
            # A virtualenv inside the project holds libraries, not the user's code.
            and os.sep + "site-packages" + os.sep not in path
            and os.sep + "dist-packages" + os.sep not in path
        )
        if len(_user_cache) < 4096:
            _user_cache[filename] = hit
    return hit


def type_name(exc_type):
    """``ValueError`` for builtins, ``package.module.Name`` otherwise (as Python prints it)."""
    module = getattr(exc_type, "__module__", None)
    qualname = getattr(exc_type, "__qualname__", None) or getattr(exc_type, "__name__", "?")
    if module in (None, "builtins", "__main__"):
        return qualname
    return "%s.%s" % (module, qualname)


def _strip_worker_frames(te, seen=None):
    """Drop the worker's own frames from a TracebackException and its chain.

    The call into the app (top) and the validation code raising a WSGIViolation (bottom)
    are not news to the developer: the traceback should end at *their* line.
    """
    from traceback import StackSummary

    seen = set() if seen is None else seen
    while te is not None and id(te) not in seen:
        seen.add(id(te))
        frames = [f for f in te.stack if not is_worker_file(f.filename)]
        if len(frames) != len(te.stack):
            te.stack = StackSummary.from_list(frames)
            if not frames and hasattr(te, "exc_traceback"):
                te.exc_traceback = None  # 3.8-3.10 print the header when this is set
        _strip_worker_frames(te.__cause__, seen)
        te = te.__context__


def _innermost_user_frame(exc):
    """(filename, lineno) of the deepest user-code frame, following the exception chain."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        found = None
        tb = exc.__traceback__
        while tb is not None:  # traceback.walk_tb, without importing traceback
            filename = tb.tb_frame.f_code.co_filename
            if is_user_file(filename):
                found = (filename, tb.tb_lineno)
            tb = tb.tb_next
        if found is not None:
            return found
        exc = exc.__cause__ or exc.__context__
    return None


def describe(exc):
    """PythonError dict for an exception instance."""
    try:
        from traceback import TracebackException

        te = TracebackException(type(exc), exc, exc.__traceback__)
        _strip_worker_frames(te)
        text = "".join(te.format())
    except Exception:  # a broken __str__ must not take the worker down
        text = "%s: <unprintable exception>\n" % type_name(type(exc))
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable exception>"
    info = {"type": type_name(type(exc)), "message": message, "traceback": text}
    if isinstance(exc, SyntaxError) and exc.filename and not str(exc.filename).startswith("<"):
        # The offending line is not a frame: Python reports it on the exception itself.
        info["filename"] = str(exc.filename)
        if exc.lineno:
            info["lineno"] = exc.lineno
        return info
    where = _innermost_user_frame(exc)
    if where is not None:
        info["filename"], info["lineno"] = where
    return info


def describe_exc_info(exc_info):
    """PythonError for an ``exc_info`` tuple handed to start_response (capture only)."""
    try:
        exc = exc_info[1]
        if isinstance(exc, BaseException):
            return describe(exc)
        return {"type": "?", "message": repr(exc_info), "traceback": ""}
    except Exception:
        return {"type": "?", "message": "<unreadable exc_info>", "traceback": ""}


def current_python():
    return "%d.%d.%d" % sys.version_info[:3]
