"""logging records as LOG frames (stream 'logging').

ChannelHandler is an ordinary logging.Handler, but it is *not* put in root.handlers:
it is called from a thin wrapper around Logger.callHandlers instead. A handler on the root
logger would (1) make logging.basicConfig() a silent no-op (it does nothing when root
already has handlers), (2) be removed by dictConfig() (Django's LOGGING with a 'root'
entry), and (3) switch off logging.lastResort, so an unconfigured app's warnings would no
longer print to stderr. Hooking callHandlers sees every record a logger actually handles
(past its level and filters), leaves root.handlers to the app, and keeps Python's default
behaviour (lastResort) exactly.
"""

import logging
import time

from .console import send_log


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


_installed = []  # the handler the hook calls, once installed


def install(channel):
    original = logging.Logger.callHandlers
    if getattr(original, "_forkwatch", False):
        if not _installed:
            return ChannelHandler(channel)
        # A worker forked by the zygote: same hook, records go to the worker's own channel.
        handler = _installed[0]
        handler._channel = channel
        return handler
    handler = ChannelHandler(channel)
    _installed[:] = [handler]

    def callHandlers(self, record):
        handler.handle(record)
        original(self, record)

    callHandlers._forkwatch = True
    logging.Logger.callHandlers = callHandlers
    return handler
