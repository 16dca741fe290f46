"""sys.stdout, sys.stderr and wsgi.errors as LOG frames.

The master wants each console line tagged with the request that printed it, so Python-level
writes go to line-buffered writers that send one LOG frame per line (request id = the
request being served, 0 outside one, e.g. prints at import time). Lines stay whole: a
partial line waits for its newline and is flushed at the end of the request (flush() alone
does not split a line; very long partial lines are sent once they pass 64 KiB).

wsgi.errors is PEP 3333's "Input and Error Streams" error stream: a text stream with
write(), writelines() and flush(), here sent as stream 'wsgi.errors'.

Nothing here ever writes to fd 1/2 or fd 3 directly: C-level output still lands on the
real fd 1/2 pipes, which the master reads as raw console output.
"""

import _thread  # threading's Lock and get_ident, without importing threading (no thread here)
import codecs
import io
import time
from _thread import get_ident

from .channel import MasterGone
from .compact_json import dumps as _dumps
from .protocol import LOG, pack_header

_MAX_PARTIAL = 64 * 1024


def send_log(channel, record):
    """One LOG frame; never raises into the app (a dead master is noticed by the main loop)."""
    payload = _dumps(record).encode("utf-8")
    try:
        channel.send(pack_header(len(payload), LOG, channel.current_rid) + payload)
    except MasterGone:
        pass


class LineWriter(io.TextIOBase):
    """A text stream that sends each complete line as one LOG frame."""

    def __init__(self, channel, stream, fd, pending):
        super().__init__()
        self._channel = channel
        self._stream = stream
        self._fd = fd
        self._pending = pending  # shared set of writers holding a partial line
        self._partials = {}  # thread id -> text after the last newline
        self._lock = _thread.allocate_lock()
        self.buffer = _BinaryAdapter(self)

    # Attributes code commonly probes on sys.stdout.
    encoding = "utf-8"
    errors = "backslashreplace"
    line_buffering = True
    newlines = None

    @property
    def name(self):
        return "<%s>" % self._stream

    def writable(self):
        return True

    def isatty(self):
        return False

    def fileno(self):
        # The real fd (a pipe to the master): faulthandler, subprocess etc. need one.
        if self._fd is None:
            raise io.UnsupportedOperation("fileno")
        return self._fd

    def write(self, text):
        if type(text) is not str:
            if not isinstance(text, str):
                raise TypeError("write() argument must be str, not %s" % type(text).__name__)
            text = str(text)
        if not text:
            return 0
        # Partial lines are kept per thread: print() writes its pieces one by one, and two
        # threads printing at once must not splice their lines together.
        tid = get_ident()
        partials = self._partials
        with self._lock:
            rest = partials.pop(tid, "") + text
            if "\n" in rest:
                lines = rest.split("\n")
                rest = lines.pop()
                self._emit(lines)
            elif len(rest) > _MAX_PARTIAL:
                self._emit([rest])
                rest = ""
            if rest:
                partials[tid] = rest
                self._pending.add(self)
            elif not partials:
                self._pending.discard(self)
        return len(text)

    def reconfigure(self, **options):
        """Accepted and ignored (some CLIs call sys.stdout.reconfigure(encoding=...))."""

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        """Keeps lines whole: partial lines go out at the end of the request."""

    def flush_partial(self, all_threads=False):
        """Send the calling thread's partial line (end of request), or every thread's (exit)."""
        with self._lock:
            partials = self._partials
            if all_threads:
                rests = list(partials.values())
                partials.clear()
            else:
                rest = partials.pop(get_ident(), "")
                rests = [rest] if rest else []
            if rests:
                self._emit(rests)
            if not partials:
                self._pending.discard(self)

    def _emit(self, lines):
        now = time.time()
        for line in lines:
            # Giant lines (a dumped blob) go out in 64 KiB pieces: bounded frames.
            for pos in range(0, max(len(line), 1), _MAX_PARTIAL):
                send_log(self._channel, {"stream": self._stream,
                                         "text": line[pos:pos + _MAX_PARTIAL], "time": now})


class _BinaryAdapter(io.RawIOBase):
    """sys.stdout.buffer: code that writes bytes (click, some CLIs) ends up in LOG lines too."""

    def __init__(self, writer):
        super().__init__()
        self._writer = writer
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def writable(self):
        return True

    def write(self, data):
        self._writer.write(self._decoder.decode(bytes(data)))
        return len(data)

    def fileno(self):
        return self._writer.fileno()


class Console:
    """Owns the three writers and flushes their partial lines at request end."""

    def __init__(self, channel):
        self.pending = set()
        self.stdout = LineWriter(channel, "stdout", 1, self.pending)
        self.stderr = LineWriter(channel, "stderr", 2, self.pending)
        self.wsgi_errors = LineWriter(channel, "wsgi.errors", None, self.pending)

    def install(self, sys_module):
        sys_module.stdout = self.stdout
        sys_module.stderr = self.stderr

    def rebind(self, channel):
        """In a worker forked by the zygote: the same writers (wherever the app keeps them:
        sys.stdout, atexit, loggers' streams) now send on the worker's own channel. Partial
        lines are the zygote's (it sends them itself); locks are new (a zygote thread may
        have held one at fork time)."""
        for writer in (self.stdout, self.stderr, self.wsgi_errors):
            writer._channel = channel
            writer._partials.clear()
            writer._lock = _thread.allocate_lock()
        self.pending.clear()

    def flush_partial(self, all_threads=False):
        # Called at the end of every request, by the serving thread (the response code
        # tests `pending` first, so usually this is not even called).
        for writer in list(self.pending):
            writer.flush_partial(all_threads)

    def flush_all(self):
        """At exit: every thread's partial line."""
        self.flush_partial(all_threads=True)
