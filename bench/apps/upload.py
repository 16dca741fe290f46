"""10 MiB upload: the app reads the whole request body from wsgi.input.

It reads in 1 MiB pieces (as a streaming app would) and answers 200 with the byte count
only when it received exactly CONTENT_LENGTH bytes, else 400, so a server that truncates
bodies shows up in wrk's "Non-2xx" count instead of as a suspiciously fast figure.
"""

PIECE = 1024 * 1024


def app(environ, start_response):
    try:
        expected = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        expected = -1
    stream = environ["wsgi.input"]
    received = 0
    remaining = expected
    while remaining > 0:
        data = stream.read(min(PIECE, remaining))
        if not data:
            break
        received += len(data)
        remaining -= len(data)
    ok = expected >= 0 and received == expected
    body = str(received).encode("ascii")
    start_response(
        "200 OK" if ok else "400 Bad Request",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
    )
    return [body]
