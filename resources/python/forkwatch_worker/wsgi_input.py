"""wsgi.input: the request body as a file-like object (PEP 3333, "Input and Error Streams").

Reads pull BODY frames from the channel on demand, so a request body is never buffered
whole unless the app asks for all of it. read(n) blocks until n bytes or the end of the
body (file semantics, what ``environ['wsgi.input'].read(int(CONTENT_LENGTH))`` code expects),
and the stream never blocks past BODY_END: after it every read returns b"".

Expect: 100-continue: the master waits for CONTINUE before forwarding the body, and we
send CONTINUE on the app's first read, so an app that answers without reading (e.g. 413)
never makes the client upload. (PEP 3333, "HTTP 1.1 Expect/Continue".)

Client gone mid-body (BODY_END 1, or ABORT): reads that the buffer cannot satisfy raise
ClientDisconnected, an OSError, like werkzeug's ClientDisconnected and like a real socket.
Silently returning a short body would let the app act on truncated data.
"""

from .channel import CLIENT_GONE
from .protocol import CONTINUE


class ClientDisconnected(OSError):
    """The client went away before sending the whole request body."""


class RequestInput:
    __slots__ = ("_channel", "_rid", "_buf", "_eof", "_gone", "_expect", "bytes_read")

    def __init__(self, channel, rid, expect_continue):
        self._channel = channel
        self._rid = rid
        self._buf = bytearray()
        self._eof = False
        self._gone = False
        self._expect = bool(expect_continue)
        self.bytes_read = 0

    def _more(self):
        """Append the next BODY frame to the buffer; False at the end of the body."""
        if self._eof or self._channel.current_rid != self._rid:
            # (The second test: a stream kept past its request must not eat another
            # request's body frames.)
            if self._gone:
                raise ClientDisconnected("the client disconnected before sending the whole body")
            return False
        if self._expect:
            self._expect = False
            self._channel.send_frame(CONTINUE, self._rid)
        data = self._channel.next_body(self._rid)
        if data is CLIENT_GONE:
            self._eof = self._gone = True
            raise ClientDisconnected("the client disconnected before sending the whole body")
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    def read(self, size=-1):
        buf = self._buf
        if size is None or size < 0:
            while self._more():
                pass
            data = bytes(buf)
            buf.clear()
        else:
            while len(buf) < size and self._more():
                pass
            data = bytes(buf[:size])
            del buf[:size]
        self.bytes_read += len(data)
        return data

    def readline(self, size=-1):
        buf = self._buf
        if size is None:
            size = -1
        start = 0
        while True:
            i = buf.find(b"\n", start)
            if i >= 0:
                end = i + 1
                break
            if 0 <= size <= len(buf):
                end = size
                break
            start = len(buf)
            if not self._more():
                end = len(buf)
                break
        if 0 <= size < end:
            end = size
        line = bytes(buf[:end])
        del buf[:end]
        self.bytes_read += len(line)
        return line

    def readlines(self, hint=-1):
        lines = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self):
        """Not in PEP 3333, but some frameworks call it; the server owns the stream."""


class EmptyInput:
    """wsgi.input of a request without a body (HAS_BODY unset): nothing follows REQUEST."""

    __slots__ = ()
    bytes_read = 0

    def read(self, size=-1):
        return b""

    def readline(self, size=-1):
        return b""

    def readlines(self, hint=-1):
        return []

    def __iter__(self):
        return iter(())

    def close(self):
        pass


EMPTY_INPUT = EmptyInput()
