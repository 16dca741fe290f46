"""logging records as LOG frames (stream 'logging').

ChannelHandler is an ordinary logging.Handler, but it is *not* put in root.handlers:
it is called from a thin wrapper around Logger.callHandlers instead. A handler on the root
logger would (1) make logging.basicConfig() a silent no-op (it does nothing when root
already has handlers), (2) be removed by dictConfig() (Django's LOGGING with a 'root'
entry), and (3) switch off logging.lastResort, so an unconfigured app's warnings would no
longer print to stderr. Hooking callHandlers sees every record a logger actually handles
(past its level and filters), leaves root.handlers to the app, and keeps Python's default
behaviour (lastResort) exactly.

logging itself is not imported here: with re, traceback, threading, string and weakref it
costs every worker's boot several ms, and many apps never log. If the app has not imported
it by the time install() runs, a finder at the front of sys.meta_path waits for the first
`import logging` (whoever makes it, whenever: at the app's import or in its first request)
and hooks callHandlers as soon as the module has executed, before that import statement
returns, so not a single record goes by unseen.
"""

import sys
import time

from .console import send_log

_channel = None  # where records go: the worker's channel (a forked worker's, after fork)
_handler = None  # the ChannelHandler the hook calls, once logging is hooked


def install(channel):
    """Send logging records on `channel`: from now on if logging is loaded, else from the moment
    it is. Called again in a worker forked by the zygote (its own channel), and harmless to call
    twice."""
    global _channel
    _channel = channel
    if _handler is not None:
        _handler._channel = channel  # same hook; records go to this worker's channel
        return
    logging = sys.modules.get("logging")
    if logging is not None:
        _hook(logging)
    elif not any(isinstance(finder, _LoggingWatcher) for finder in sys.meta_path):
        sys.meta_path.insert(0, _LoggingWatcher())


def _hook(logging):
    global _handler
    original = logging.Logger.callHandlers
    if getattr(original, "_forkwatch", False):
        return  # hooked already (by another copy of this module)
    handler = _handler = _new_handler(logging, _channel)

    def callHandlers(self, record):
        handler.handle(record)
        original(self, record)

    callHandlers._forkwatch = True
    logging.Logger.callHandlers = callHandlers


def _new_handler(logging, channel):
    """A ChannelHandler; the class is made here because logging.Handler is not loaded before."""

    class ChannelHandler(logging.Handler):
        def __init__(self, channel):
            super().__init__()
            self._channel = channel
            # '%(message)s' plus the exception/stack text Formatter appends: the "formatted
            # message"; logger name and level travel as separate fields.
            self.setFormatter(logging.Formatter("%(message)s"))

        def emit(self, record):
            try:
                text = self.format(record)
            except Exception:
                self.handleError(record)
                return
            send_log(self._channel, {
                "stream": "logging",
                "text": text,
                "level": record.levelname,
                "logger": record.name,
                "time": record.created if isinstance(record.created, float) else time.time(),
            })

    return ChannelHandler(channel)


class _LoggingWatcher:
    """A meta path finder that finds nothing itself. For `logging` it asks the finders behind it
    for the spec and hands it back with the loader wrapped, so the hook goes in the moment the
    module has executed. Leaves sys.meta_path once logging is hooked."""

    def __init__(self):
        self._busy = False

    def find_spec(self, name, path=None, target=None):
        if name != "logging" or self._busy:
            return None
        self._busy = True  # the finders asked below must not bring us back here
        try:
            spec = self._find_behind(name, path, target)
        finally:
            self._busy = False
        if spec is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _HookingLoader(spec, spec.loader, self)
        return spec

    def _find_behind(self, name, path, target):
        meta_path = sys.meta_path
        start = meta_path.index(self) + 1 if self in meta_path else 0
        for finder in meta_path[start:]:
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is not None and finder is not self:
                spec = find_spec(name, path, target)
                if spec is not None:
                    return spec
        return None  # (a legacy find_module-only finder: the import system asks it next)


class _HookingLoader:
    """The logging module's own loader, wrapped while the module executes; everything but
    exec_module goes to the real loader (get_source, get_code, create_module...)."""

    def __init__(self, spec, loader, watcher):
        self._spec = spec
        self._loader = loader
        self._watcher = watcher

    def __getattr__(self, name):
        if name == "_loader":
            raise AttributeError(name)  # not set yet (a copy being made): no endless recursion
        return getattr(self._loader, name)

    def exec_module(self, module):
        try:
            self._loader.exec_module(module)
        finally:
            # From now on the module and its spec show the real loader, as after any import.
            self._spec.loader = self._loader
            if getattr(module, "__loader__", None) is self:
                module.__loader__ = self._loader
        # Only the module `import logging` is making (sys.modules holds it while it executes),
        # not one someone builds by hand from a spec: then keep waiting for the real import.
        if sys.modules.get(self._spec.name) is module:
            try:
                sys.meta_path.remove(self._watcher)
            except ValueError:
                pass
            _hook(module)
