"""The fd-3 channel to the master: reading and writing protocol frames.

Only this module touches the socket. Frames are matched to requests by stream order (the
master sends REQUEST, then that request's BODY*/BODY_END, possibly ABORT), so anything that
is still in flight for a request the worker already finished is dropped while idle: the
master may stop forwarding a body as soon as it has END (PEP 3333 lets a server leave the
rest of wsgi.input unread; the master owns the client connection and decides what to do).

Sends take a lock because app threads may print (LOG frames) while the main thread is
answering a request: frames must never interleave on the stream.
"""

import _thread  # threading's Lock, without importing threading (the worker starts no thread)
import os
import socket
import time
from collections import deque

from .protocol import (
    ABORT, BODY, BODY_CLIENT_GONE, BODY_END, HEADER_SIZE, REQUEST, SHUTDOWN, pack_header,
    unpack_header,
)

#: recv buffer; allocated once so the idle loop does no malloc (a 256 KiB bytes object per
#: recv would be mmap'ed and unmapped by glibc every time).
RECV_SIZE = 256 * 1024 + HEADER_SIZE
#: Below this total, parts are joined and sent with one sendall (one syscall beats a copy).
JOIN_LIMIT = 64 * 1024
#: The worker's send buffer on the channel. A Unix stream socket holds at most the sender's
#: SO_SNDBUF in flight (208 KiB by default): a larger one lets a big body run ahead of the
#: master, so each of the master's reads finds more and it makes fewer of them. Linux doubles
#: the value and caps it at net.core.wmem_max.
SEND_BUFFER = 1024 * 1024
#: Parts per sendmsg, under every system's IOV_MAX (1024 on Linux, 1024 on macOS).
_IOV_BATCH = 512

#: How long an idle worker polls for its next request when the master asked it to (LINGER).
#: The master counts on it (LINGER_MS in protocol.ts): change both together.
LINGER_SECONDS = 250e-6

_MSG_DONTWAIT = getattr(socket, "MSG_DONTWAIT", 0x40)
_monotonic = time.monotonic
_sched_yield = getattr(os, "sched_yield", lambda: None)  # not on macOS or Windows

_GONE_BYTE = bytes((BODY_CLIENT_GONE,))

#: next_body() result when the client went away mid-body.
CLIENT_GONE = None
#: next_body() result at the regular end of the body.
BODY_DONE = b""


class MasterGone(BaseException):
    """The channel broke: the master is gone. BaseException so app code cannot swallow it."""


class Channel:
    def __init__(self, sock):
        sock.setblocking(True)  # inherited fds may be non-blocking; we want plain blocking IO
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        except OSError:
            pass  # the default works, only with more round trips
        self.sock = sock
        self._recv_into = sock.recv_into
        self._sendall = sock.sendall
        self._sendmsg = sock.sendmsg
        self._lock = _thread.allocate_lock()
        self._chunk = bytearray(RECV_SIZE)
        self._view = memoryview(self._chunk)
        self._rbuf = bytearray()  # bytes of a frame that is not complete yet
        self.frames = deque()  # complete frames (type, request id, payload) not yet consumed
        self.stream_rid = 0  # id of the last REQUEST seen in stream order
        self.aborted_rid = None  # set when ABORT for current_rid arrived (ids are unique)
        self.shutdown = False  # SHUTDOWN arrived: exit after the current request
        self.eof = False
        self.idle = False  # True only while blocked waiting for the next REQUEST
        self.current_rid = 0  # request being served (0 when idle): LOG frames carry it

    # -- receiving --------------------------------------------------------------------

    def _recv(self, flags=0):
        """recv_into the fixed buffer; -1 if it would block, 0 at EOF."""
        try:
            n = self._recv_into(self._view, RECV_SIZE, flags)
        except BlockingIOError:
            return -1
        except OSError:
            n = 0  # ECONNRESET and friends: the master is gone just the same
        if n == 0:
            self.eof = True
        return n

    def _ingest(self, n):
        """Append n received bytes and parse every complete frame out of them."""
        buf = self._rbuf
        buf += self._view[:n]
        end = len(buf)
        pos = 0
        frames = self.frames
        with memoryview(buf) as view:
            while end - pos >= HEADER_SIZE:
                length, ftype, rid = unpack_header(buf, pos)
                stop = pos + HEADER_SIZE + length
                if stop > end:
                    break
                payload = bytes(view[pos + HEADER_SIZE:stop])
                pos = stop
                if ftype == REQUEST:
                    # The master may prefetch the next request while this one runs: a REQUEST
                    # seen here says nothing about an ABORT for the one being served.
                    self.stream_rid = rid
                elif ftype == ABORT:
                    # Handled here, not queued, so poll() sees it behind unread BODY frames.
                    # Only the request being served can be aborted; a late ABORT for one
                    # already answered is stale.
                    if rid == self.current_rid:
                        self.aborted_rid = rid
                    continue
                elif ftype == SHUTDOWN:
                    # In stream order: requests the master sent before it (prefetched behind
                    # the current one) are still served; next_request stops when it gets here.
                    frames.append((ftype, rid, payload))
                    continue
                frames.append((ftype, rid, payload))
        del buf[:pos]

    def next_request(self, linger=False):
        """Block until the next REQUEST: (request id, flags, environ text) or None to exit.

        Hot path: when the buffer is empty and one recv returns exactly one REQUEST frame
        (the normal case for sequential requests), decode straight from the recv buffer.
        linger: poll for up to LINGER_SECONDS before blocking (the LINGER request flag).
        """
        frames = self.frames
        while True:
            while frames:
                ftype, rid, payload = frames.popleft()
                if ftype == REQUEST and payload:
                    return rid, payload[0], str(payload[1:], "latin-1")
                if ftype == SHUTDOWN:
                    self.shutdown = True
                    return None
                # BODY/BODY_END of a request already answered: discard.
            # SIGTERM while idle means "exit at once" (see lifecycle): the handler either
            # runs before idle is set (then the shutdown test below sees it) or after (then
            # it shuts the socket's read side and recv returns EOF).
            self.idle = True
            if self.shutdown or self.eof:
                self.idle = False
                return None
            n = self._linger() if linger else -1
            if n < 0:
                try:
                    n = self._recv_into(self._view, RECV_SIZE)
                except OSError:
                    n = 0
            self.idle = False
            if n == 0:
                self.eof = True
                return None
            if n > HEADER_SIZE and not self._rbuf:
                length, ftype, rid = unpack_header(self._chunk)
                if ftype == REQUEST and length + HEADER_SIZE == n:
                    self.stream_rid = rid
                    text = str(self._view[HEADER_SIZE + 1:n], "latin-1")
                    return rid, self._chunk[HEADER_SIZE], text
            self._ingest(n)

    def _linger(self):
        """Poll the channel for up to LINGER_SECONDS: bytes received, 0 at EOF, -1 if none came.

        A request that arrives while the worker polls needs no wake-up: on a VM that spares the
        master an inter-processor interrupt and the worker a trip through the scheduler (see
        src-main/gateway/busy-poll.ts). sched_yield between polls hands the core to anything
        else that wants it, so the poll only uses time nobody needs.
        """
        deadline = _monotonic() + LINGER_SECONDS
        recv_into = self._recv_into
        view = self._view
        while True:
            try:
                return recv_into(view, RECV_SIZE, _MSG_DONTWAIT)
            except BlockingIOError:
                pass
            except OSError:
                return 0
            if _monotonic() >= deadline:
                return -1
            _sched_yield()

    def next_body(self, rid):
        """Next BODY payload of request rid, BODY_DONE at its end, CLIENT_GONE if cut short."""
        frames = self.frames
        while True:
            while frames:
                ftype, frid, payload = frames[0]
                if ftype == REQUEST:
                    # Protocol slip (no BODY_END): never eat the next request.
                    return CLIENT_GONE
                frames.popleft()
                if ftype == SHUTDOWN:
                    # Sent while this body streams in: nothing is queued behind this request
                    # (the master prefetches only behind complete bodies), so exit after it.
                    self.shutdown = True
                    continue
                if frid != rid:
                    continue
                if ftype == BODY:
                    if payload:
                        return payload
                elif ftype == BODY_END:
                    if payload[:1] == _GONE_BYTE:
                        return CLIENT_GONE
                    return BODY_DONE
            if self.aborted_rid == rid:
                return CLIENT_GONE
            if self.eof:
                raise MasterGone()
            n = self._recv()
            if n > 0:
                self._ingest(n)

    def poll(self):
        """Take in, without blocking, whatever the master sent meanwhile (ABORT, SHUTDOWN...)."""
        while not self.eof:
            n = self._recv(_MSG_DONTWAIT)
            if n <= 0:
                break
            self._ingest(n)
            if n < RECV_SIZE:
                break

    # -- sending ----------------------------------------------------------------------

    def send(self, data):
        with self._lock:
            try:
                self._sendall(data)
            except OSError:
                self.eof = True
                raise MasterGone()

    def send_frame(self, ftype, rid, payload=b""):
        self.send(pack_header(len(payload), ftype, rid) + payload)

    def send_parts(self, parts, total):
        """Send a list of bytes-like parts (bytes, or memoryviews of bytes): joined into one
        write when small, else gathered by sendmsg straight from the parts (no copy, and one
        syscall for a frame header and its payload). May replace items of `parts`."""
        with self._lock:
            try:
                if total <= JOIN_LIMIT:
                    self._sendall(b"".join(parts))
                else:
                    _send_gathered(self._sendmsg, parts)
            except OSError:
                self.eof = True
                raise MasterGone()

    def stop_reading(self):
        """Make a blocked idle recv return EOF (SIGTERM while idle: exit cleanly)."""
        try:
            self.sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass


def _send_gathered(sendmsg, parts):
    """sendmsg until every part is out. A blocking stream socket takes all it is given unless
    a signal interrupts it: then it returns the count sent so far and the rest goes again."""
    count = len(parts)
    i = 0
    while i < count:
        sent = sendmsg(parts[i:i + _IOV_BATCH])
        while i < count and sent >= len(parts[i]):
            sent -= len(parts[i])
            i += 1
        if sent:
            parts[i] = memoryview(parts[i])[sent:]
