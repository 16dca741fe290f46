"""Throughput of one worker: N sequential hello-world requests over the socketpair.

    python3 resources/python/tests/bench_hello.py [N]      (default 100000)

The driver is deliberately minimal (prebuilt REQUEST frames, one recv per answer in the
common case) so the number mostly measures the worker. Set FORKWATCH_PYTHON to pick the
worker's interpreter.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

HELLO = '''
def app(environ, start_response):
    body = b"Hello, World!"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
'''


def run(n):
    with harness.Worker({"app.py": HELLO}) as worker:
        worker.ready()
        env = harness.BASE_ENVIRON + [("HTTP_USER_AGENT", "bench"), ("HTTP_ACCEPT", "*/*")]
        payload = harness.request_payload(0, env)
        frames = [harness.frame(harness.REQUEST, rid, payload) for rid in (1, 2)]
        sock = worker.sock
        sock.settimeout(None)
        sendall = sock.sendall
        recv_into = sock.recv_into
        buf = bytearray(1 << 16)
        view = memoryview(buf)
        end_type = harness.END
        unpack = harness.HEADER.unpack_from
        start = time.perf_counter()
        for i in range(n):
            sendall(frames[i & 1])
            have = 0
            pos = 0
            while True:  # walk frames until END
                if have - pos >= 9:
                    length, ftype, _ = unpack(buf, pos)
                    if have - pos >= 9 + length:
                        if ftype == end_type:
                            break
                        pos += 9 + length
                        continue
                have += recv_into(view[have:])
        elapsed = time.perf_counter() - start
        return n / elapsed, elapsed


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rate, elapsed = run(n)
    print("%d requests in %.2fs: %.0f req/s (one worker, %s)" % (n, elapsed, rate, harness.PYTHON))
