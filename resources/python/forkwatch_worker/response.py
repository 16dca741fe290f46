"""One request/response exchange: start_response, write() and the app's iterable (PEP 3333).

The rules followed here, from PEP 3333 "The start_response() Callable" and "Buffering and
Streaming":

* start_response only records status and headers; they go out (START) together with the
  first non-empty body chunk, or at the end for an empty body.
* Each block the app yields (or passes to write()) is sent at once, never held back; a
  list/tuple result is complete already, so START + BODY + END go out in one write.
* close() of the iterable is always called, also on errors and on ABORT.
* exc_info: re-raised if headers were sent; otherwise it replaces the pending status.
* The server may add Content-Length when the iterable has one element (or none).

Status and header problems are checked like wsgiref does (a 500 is answered with a clear
message: outcome 'violation'), and also against what Node's http module would refuse, so
the master can always write what START says.
"""

from . import errors
from .channel import MasterGone
from .compact_json import dumps as _dumps
from .protocol import END, MAX_BODY_FRAME, RESPONSE_BODY, START, pack_header
from .wsgi_input import ClientDisconnected

# RFC 9110 §7.6.1 / wsgiref.util._hoppish: a WSGI app must not set these.
_HOP_BY_HOP = frozenset((
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailers", "transfer-encoding", "upgrade",
))
#: RFC 9110 token characters: what Node accepts in a header name.
_TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#: What a status or header value may hold: HTAB, visible ASCII, space and obs-text
#: (0x80-0xFF). Node rejects the rest (CR/LF: header injection), and chars above 0xFF are not
#: latin-1 (PEP 3333). NUL is in here only because it is our separator: start_response
#: counts NULs instead.
_VALUE_BYTES = bytes((0, 9)) + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
#: bytes.translate table: an allowed byte becomes "A", any other 0x80, so a translated value
#: is ASCII exactly when it was clean (a fixed table: translate(None, delete) builds one per
#: call, which cost more than the check).
_FLAG_BAD = bytes(0x41 if b in _VALUE_BYTES else 0x80 for b in range(256))
#: Validated header names -> lowercase form, and validated statuses: they repeat on every
#: request, so a dict lookup replaces the checks (bounded: stop caching when full).
_known_names = {}
_known_status = {}

# END of a request that went well, without its closing brace (a captured one adds the finding
# count there), and whole. protocol.ts's decodeCleanEnd reads this text without JSON.parse.
_END_OK_HEAD = '{"outcome":"ok","bytesRead":%d,"bytesSent":%d,"short":%s'
_END_OK = (_END_OK_HEAD + "}").encode("ascii")


class WSGIViolation(AssertionError):
    """The app broke PEP 3333 (AssertionError, as wsgiref raises for the same problems)."""


class Exchange:
    """State of one request. Per-request defaults live on the class, so creating one only
    sets what differs (the hot path pays for six attribute stores)."""

    status = None  # str once start_response succeeded
    start = None  # "status\0name\0value..." ready for START
    cl = None  # declared Content-Length
    left = None  # bytes still allowed by the declared Content-Length
    auto_cl = None  # body length we may declare ourselves (0- or 1-element list/tuple)
    headers_sent = False
    violation = None  # first violation message (sticky: the answer is a 500)
    bytes_sent = 0
    excess = 0  # bytes dropped past the declared Content-Length
    aborted = False

    def __init__(self, channel, rid, console, wsgi_input, capture, head):
        self.channel = channel
        self.rid = rid
        self.console = console
        self.input = wsgi_input
        self.capture = capture
        self.head = head  # HEAD request: an empty body is not "short"

    # -- PEP 3333 callables handed to the app ------------------------------------------

    def start_response(self, status, headers, exc_info=None):
        capture = self.capture
        if capture is not None:
            if exc_info is None and capture.start_text is None and capture.start_calls is None:
                # The first call, and plain so far: kept as START's text once it passed the
                # hot path below, or recorded as given by _leave_hot_path if it leaves it.
                capture.pending = (status, headers)
            else:
                capture.start_call(status, headers, exc_info)
        if exc_info is not None:
            try:
                if self.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None  # PEP 3333: break the frame <-> traceback cycle
        elif self.status is not None:
            self._violate("start-response-twice", "start_response called twice without exc_info")
        if type(status) is not str or status not in _known_status:
            status = self._check_status(status)
        if type(headers) is not list:
            self._violate("headers-type", "headers must be a list of (name, value) tuples, "
                          "not %s" % type(headers).__name__)
        # Hot path: per header only type checks and dict lookups; the characters of every
        # value are checked at once on the joined START text below.
        parts = [status]
        append = parts.append
        cl = None
        for item in headers:
            if type(item) is not tuple or len(item) != 2:
                item = self._check_item(item)
            name, value = item
            lname = _known_names.get(name) if type(name) is str else None
            if lname is None:
                name, lname = self._check_name(name)
            if type(value) is not str:
                value = self._check_value_type(name, value)
            if lname == "content-length":
                cl = int(value) if cl is None and value.isdecimal() else self._content_length(
                    value, cl)
            append(name)
            append(value)
        start = "\0".join(parts)
        # Fast path: visible ASCII and spaces only, so no NUL inside a part either (checked on
        # the parts joined without separators: str methods are quicker than a regex here).
        # Anything else (HTAB, latin-1, a bad character) takes the exact check.
        text = "".join(parts)
        if not (text.isascii() and text.isprintable()) and (
                _bad_char(start) or start.count("\0") != 2 * len(headers)):
            self._bad_values(parts)
        self.status = status
        self.start = start
        self.cl = cl
        if capture is not None and capture.pending is not None:
            capture.pending = None
            capture.start_text = start  # what the app passed: automatic headers come later
        return self.write

    def write(self, data):
        """The legacy write() callable: sends at once (PEP 3333 "The write() Callable")."""
        if self.status is None:
            self._violate("write-before-start-response", "write() called before start_response")
        if type(data) is not bytes:
            data = self._coerce(data, "write()")
        capture = self.capture
        if capture is not None:
            capture.used_write = True
            capture.add_chunk_size(len(data))
        if data:
            self._send(data)
            self._check_abort()
            if self.aborted:
                raise ClientDisconnected("the client disconnected")

    # -- validation helpers ------------------------------------------------------------

    def _leave_hot_path(self):
        """start_response is about to raise, or to convert what the app passed (a str or
        tuple subclass): a call still pending in the capture is recorded now, as the app
        passed it. Called by _violate, which every raise of these checks goes through, and
        by the helpers below before they convert or check what may raise."""
        capture = self.capture
        if capture is not None and capture.pending is not None:
            capture.record_pending()

    def _violate(self, code, message):
        self._leave_hot_path()
        if self.violation is None:
            self.violation = message
        if self.capture is not None:
            self.capture.finding(code, message)
        raise WSGIViolation(message)

    def _check_status(self, status):
        if type(status) is not str:
            # Converted below. An exact str new to this process is only checked: still plain.
            self._leave_hot_path()
        if not isinstance(status, str):
            self._violate("status-type", "status must be a str like '200 OK', not %s"
                          % type(status).__name__)
        status = str(status)
        if (len(status) < 4 or status[3] != " " or not status[:3].isdigit()
                or not status[:3].isascii() or status[0] == "0" or _bad_char(status)
                or "\0" in status):
            self._violate("status-format", "status %r is not a 3-digit code, a space and a "
                          "reason phrase in latin-1 without control characters" % (status,))
        if len(_known_status) < 256:
            _known_status[status] = True
        return status

    def _check_item(self, item):
        self._leave_hot_path()
        if isinstance(item, tuple) and len(item) == 2:
            return tuple(item)
        return self._violate("header-type", "each header must be a (name, value) tuple of "
                             "str, got %r" % (item,))

    def _check_name(self, name):
        if type(name) is not str:
            # Converted below. An exact str new to this process is only checked: still plain.
            self._leave_hot_path()
        if not isinstance(name, str):
            self._violate("header-type", "header name must be str, got %r" % (name,))
        name = str(name)
        if not _token(name):
            self._violate("header-name-invalid", "header name %r is not a valid HTTP token"
                          % (name,))
        lname = name.lower()
        if lname in _HOP_BY_HOP:
            self._violate("hop-by-hop-header", "hop-by-hop header %r is not allowed in a WSGI "
                          "response (PEP 3333: the server owns the connection)" % (name,))
        if len(_known_names) < 512:
            _known_names[name] = lname
        return name, lname

    def _check_value_type(self, name, value):
        self._leave_hot_path()
        if isinstance(value, str):
            return str(value)
        return self._violate("header-type", "value of header %r must be str, got %s: %r"
                             % (name, type(value).__name__, value))

    def _bad_values(self, parts):
        """Some header value has a bad character: find which, for a precise message."""
        self._leave_hot_path()
        for i in range(2, len(parts), 2):
            name, value = parts[i - 1], parts[i]
            if any(ord(c) > 0xFF for c in value):
                self._violate("header-not-latin1", "value of header %r is not latin-1 "
                              "encodable: %r (PEP 3333 wants latin-1 str)" % (name, value))
            if _bad_char(value) or "\0" in value:
                self._violate("header-control-char", "value of header %r contains a control "
                              "character (CR, LF, NUL...): %r" % (name, value))

    def _content_length(self, value, previous):
        self._leave_hot_path()
        text = value.strip()
        if not (text.isdigit() and text.isascii()):
            self._violate("content-length-invalid", "Content-Length %r is not a non-negative "
                          "integer" % (value,))
        length = int(text)
        if previous is not None and previous != length:
            self._violate("content-length-invalid", "conflicting Content-Length headers: %d "
                          "and %d" % (previous, length))
        return length

    def _coerce(self, chunk, where):
        if isinstance(chunk, (bytearray, memoryview)):
            if self.capture is not None:
                self.capture.finding("body-chunk-not-bytes", "%s got a %s; PEP 3333 wants "
                                     "bytes" % (where, type(chunk).__name__))
            return bytes(chunk)
        return self._violate("body-chunk-not-bytes", "%s must produce bytes, got %s"
                             % (where, type(chunk).__name__))

    def _bodyless(self):
        """HEAD, 1xx, 204 and 304 answers carry no body, so a missing one is not short."""
        code = int(self.status[:3])
        return self.head or code < 200 or code == 204 or code == 304

    # -- sending ------------------------------------------------------------------------

    def _start_frame(self):
        start = self.start
        if self.cl is None and self.auto_cl is not None:
            # PEP 3333 lets the server add Content-Length for a one-block body. Not for
            # bodiless statuses, nor for HEAD with no body (the GET length is unknown).
            code = int(self.status[:3])
            if (code >= 200 and code != 204 and code != 304
                    and not (self.head and self.auto_cl == 0)):
                start = "%s\0Content-Length\0%d" % (start, self.auto_cl)
        payload = start.encode("latin-1")
        self.headers_sent = True
        self.left = self.cl
        return [pack_header(len(payload), START, self.rid), payload]

    def _body_frames(self, parts, data):
        """Append BODY frames for data (split at MAX_BODY_FRAME), honouring Content-Length."""
        left = self.left
        size = len(data)
        if left is not None:
            if size > left:
                self.excess += size - left
                data = data[:left]
                size = left
            self.left = left - size
        if size:
            rid = self.rid
            if size <= MAX_BODY_FRAME:
                parts.append(pack_header(size, RESPONSE_BODY, rid))
                parts.append(data)
            else:
                view = memoryview(data)
                for pos in range(0, size, MAX_BODY_FRAME):
                    piece = view[pos:pos + MAX_BODY_FRAME]
                    parts.append(pack_header(len(piece), RESPONSE_BODY, rid))
                    parts.append(piece)
            self.bytes_sent += size
        return size

    def _send(self, data):
        if self.violation is not None:
            raise WSGIViolation(self.violation)
        if self.status is None:
            self._violate("no-start-response", "the app produced body data before calling "
                          "start_response")
        parts = [] if self.headers_sent else self._start_frame()
        size = self._body_frames(parts, data)
        if parts:
            self.channel.send_parts(parts, size + 1024)

    def _check_abort(self):
        channel = self.channel
        channel.poll()
        if channel.aborted_rid == self.rid:
            self.aborted = True
        elif channel.eof:
            raise MasterGone()

    # -- running the app ----------------------------------------------------------------

    def run(self, app, environ):
        """Call the app, send its response, always end with END. Re-raises MasterGone, and
        SystemExit/KeyboardInterrupt from the app once END is out."""
        exc = None
        result = None
        try:
            result = app(environ, self.start_response)
            kind = type(result)
            if kind is list or kind is tuple:
                if (self.status is not None
                        and self.violation is None and self.channel.aborted_rid != self.rid
                        and self._send_sequence(result)):
                    return
                if len(result) <= 1:
                    first = result[0] if result else b""
                    if isinstance(first, (bytes, bytearray)):
                        self.auto_cl = len(first)
            self._iterate(result)
        except MasterGone:
            self._close(result)
            raise
        except BaseException as e:  # the app's errors, whatever they are, become a response
            exc = e
        close_exc = self._close(result)
        if exc is None:
            exc = close_exc
        self._finish(exc)
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):
            raise exc

    def _send_sequence(self, chunks):
        """Hot path for list/tuple bodies (no close(), every block known): START + BODY +
        END in a single write, the chunks never joined when big. False (nothing sent) if a chunk is not bytes."""
        count = len(chunks)
        if count == 1:
            if type(chunks[0]) is not bytes:
                return False
            size = len(chunks[0])
        else:
            size = 0
            for chunk in chunks:
                if type(chunk) is not bytes:
                    return False
                size += len(chunk)
        rid = self.rid
        capture = self.capture
        if capture is not None and (self.headers_sent or (self.cl is not None and self.cl != size)
                                    or size > MAX_BODY_FRAME):
            return False  # the general path records the Content-Length and write() findings
        if self.headers_sent or self.cl != size or not 0 < size <= MAX_BODY_FRAME:
            # The general case: Content-Length to add, to enforce or found short, a body
            # split into several frames, or headers already out through write().
            if count <= 1:
                self.auto_cl = size
            parts = [] if self.headers_sent else self._start_frame()
            for chunk in chunks:
                self._body_frames(parts, chunk)
            short = self.left is not None and self.left > 0 and not self._bodyless()
        else:
            # Well-behaved app: it declared exactly the length it produced. One BODY frame,
            # its payload sent as the chunks themselves (joined only if small: send_parts).
            start = self.start.encode("latin-1")
            self.headers_sent = True
            self.left = 0
            self.bytes_sent = size
            parts = [pack_header(len(start), START, rid), start,
                     pack_header(size, RESPONSE_BODY, rid)]
            parts.extend(chunks)
            short = False
        if self.console.pending:
            self.console.flush_partial()
        if capture is None:
            end = _END_OK % (self.input.bytes_read, self.bytes_sent, b"true" if short else b"false")
        else:
            sizes = [size] if count == 1 else [len(chunk) for chunk in chunks]
            if capture.chunk_sizes is None:
                capture.chunk_sizes = sizes
            else:
                capture.chunk_sizes.extend(sizes)
            end = capture.end_payload(_END_OK_HEAD % (self.input.bytes_read, self.bytes_sent,
                                                      "true" if short else "false"))
        parts.append(pack_header(len(end), END, rid))
        parts.append(end)
        self.channel.send_parts(parts, size)
        return True

    def _iterate(self, result):
        rid = self.rid
        capture = self.capture
        if self.channel.aborted_rid == rid:
            self.aborted = True
            return
        try:
            iterator = iter(result)
        except TypeError:
            if hasattr(result, "__iter__") or hasattr(result, "__getitem__"):
                raise  # the app's own __iter__ failed
            return self._violate("not-iterable", "the app must return an iterable of bytes, "
                                 "got %s" % type(result).__name__)
        for chunk in iterator:
            if type(chunk) is not bytes:
                chunk = self._coerce(chunk, "the app's iterable")
            if capture is not None:
                capture.add_chunk_size(len(chunk))
            if chunk:
                self._send(chunk)
            # Between blocks: did the client go away? (ABORT from the master.)
            self._check_abort()
            if self.aborted:
                return

    def _close(self, result):
        """PEP 3333: call close() if the iterable has one, however the request ended."""
        if result is None:
            return None
        try:
            close = getattr(result, "close", None)
        except Exception:
            close = None
        if close is None:
            return None
        if self.capture is not None:
            self.capture.close_called = True
        try:
            close()
        except MasterGone:
            raise
        except BaseException as e:
            if self.capture is not None:
                self.capture.finding("close-raised", "the iterable's close() raised %s: %s"
                                     % (errors.type_name(type(e)), e))
            return e
        return None

    def _finish(self, exc):
        """Everything after the app: the 500 page if needed, findings, END."""
        capture = self.capture
        if isinstance(exc, WSGIViolation) and self.violation is None:
            self.violation = str(exc)
        if exc is None and self.violation is None and self.status is None and not self.aborted:
            self.violation = "the app returned without calling start_response"
            if capture is not None:
                capture.finding("no-start-response", self.violation)
        error = None
        parts = []
        short = False
        if self.aborted or isinstance(exc, ClientDisconnected):
            # Nobody to answer: no START (the master has no client left for it).
            outcome = "aborted"
            if exc is not None and not isinstance(exc, ClientDisconnected):
                error = errors.describe(exc)
        elif self.headers_sent and (exc is not None or self.violation is not None):
            outcome = "app-error-after-headers"
            error = errors.describe(exc) if exc is not None else _violation_error(self.violation)
        elif self.violation is not None:
            outcome = "violation"
            error = errors.describe(exc) if exc is not None else _violation_error(self.violation)
            text = "WSGI violation (PEP 3333): %s\n" % self.violation
            if exc is not None and error["traceback"].startswith("Traceback"):
                text += "\n" + error["traceback"]  # where in the app's code it happened
            parts = _error_page(self.rid, text)
            self.bytes_sent = len(parts[3])
        elif exc is not None:
            outcome = "app-error"
            error = errors.describe(exc)
            parts = _error_page(self.rid, "The application raised an exception:\n\n"
                                + error["traceback"])
            self.bytes_sent = len(parts[3])
        else:
            outcome = "ok"
            if not self.headers_sent:
                parts = self._start_frame()
            short = self.left is not None and self.left > 0 and not self._bodyless()
            if capture is not None and self.cl is not None and short:
                capture.finding("content-length-mismatch", "Content-Length is %d but the app "
                                "produced only %d bytes" % (self.cl, self.bytes_sent))
        if capture is not None and self.excess:
            capture.finding("content-length-mismatch", "Content-Length is %d but the app "
                            "produced %d bytes; the excess was dropped"
                            % (self.cl, self.bytes_sent + self.excess))
        if self.console.pending:
            self.console.flush_partial()
        end = {"outcome": outcome, "bytesRead": self.input.bytes_read,
               "bytesSent": self.bytes_sent, "short": short}
        if error is not None:
            end["error"] = error
        if capture is None:
            payload = _dumps(end).encode("utf-8")
        else:
            payload = capture.end_payload(_dumps(end)[:-1])
        parts.append(pack_header(len(payload), END, self.rid))
        parts.append(payload)
        self.channel.send_parts(parts, 0)


def _token(name):
    """True if name is an RFC 9110 token: one or more token characters. (str methods, not re:
    importing re costs every worker's boot a few ms.)"""
    return name != "" and name.strip(_TOKEN_CHARS) == ""


def _bad_char(text):
    """True if text holds a character a status or header value may not (see _VALUE_BYTES)."""
    if text.isascii() and text.isprintable():
        return False  # only 0x20-0x7E: the common case, no copy
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return True  # above 0xFF
    return not data.translate(_FLAG_BAD).isascii()


def _violation_error(message):
    return {"type": "WSGIViolation", "message": message, "traceback": ""}


def _error_page(rid, text):
    """The dev-server 500 page: plain text with the traceback. Returns START + BODY parts."""
    body = ("500 Internal Server Error\n\n" + text).encode("utf-8", "replace")
    if len(body) > MAX_BODY_FRAME:  # keep it one frame; a page this long is unreadable anyway
        body = body[:MAX_BODY_FRAME - 32] + b"\n... (truncated)\n"
    start = ("500 Internal Server Error\0Content-Type\0text/plain; charset=utf-8"
             "\0Content-Length\0%d" % len(body)).encode("latin-1")
    return [pack_header(len(start), START, rid), start,
            pack_header(len(body), RESPONSE_BODY, rid), body]
