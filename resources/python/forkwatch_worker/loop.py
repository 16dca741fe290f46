"""The sync serving loop: one request at a time, like gunicorn's sync worker.

Per request: REQUEST -> environ (PEP 3333 "environ Variables") -> Exchange.run, which
always answers END. The loop exits on SHUTDOWN or SIGTERM (after the current request) and
on EOF (the master is gone).
"""

from .capture import Capture
from .environ import WSGI_VERSION, make_static_keys
from .protocol import CAPTURE, EXPECT_CONTINUE, HAS_BODY, LINGER
from .response import Exchange
from .wsgi_input import EMPTY_INPUT, RequestInput


def serve(channel, app, console):
    static_keys = make_static_keys(console.wsgi_errors)
    next_request = channel.next_request
    linger = False
    while True:
        request = next_request(linger)
        if request is None:
            return
        rid, flags, text = request
        linger = flags & LINGER
        if flags & HAS_BODY:
            wsgi_input = RequestInput(channel, rid, flags & EXPECT_CONTINUE)
        else:
            wsgi_input = EMPTY_INPUT  # nothing follows REQUEST: a shared, stateless stream
        # environ.build_environ, inlined: this loop is the hot path.
        items = iter(text.split("\0"))
        environ = dict(zip(items, items))
        environ["wsgi.version"] = WSGI_VERSION
        environ["wsgi.input"] = wsgi_input
        environ.update(static_keys)
        capture = Capture(environ) if flags & CAPTURE else None
        channel.current_rid = rid
        Exchange(channel, rid, console, wsgi_input, capture,
                 environ.get("REQUEST_METHOD") == "HEAD").run(app, environ)
        channel.current_rid = 0
        if channel.shutdown:
            return
