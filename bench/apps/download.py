"""10 MiB download: measures how fast the server moves a large response body.

The body is built once at import so the benchmark measures the server, not the app.
It is returned as ten 1 MiB chunks (the same bytes object repeated), which is how a
typical app streams a file and exercises the server's per-chunk path (Forkwatch sends
one BODY frame per chunk) without making any single chunk unrealistically huge.
"""

MIB = 1024 * 1024
SIZE = 10 * MIB
CHUNK = b"x" * MIB
HEADERS = [("Content-Type", "application/octet-stream"), ("Content-Length", str(SIZE))]


def app(environ, start_response):
    start_response("200 OK", list(HEADERS))
    return [CHUNK] * (SIZE // MIB)
