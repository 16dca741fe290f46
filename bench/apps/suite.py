"""All bench apps behind one WSGI callable, routed by path.

The harness starts ONE server per side (Forkwatch, gunicorn) for the whole run so that
"RSS after load" reflects every scenario (small and 10 MiB bodies) on the same processes.
Routing costs one dict lookup per request, identical on both sides.

    GET  /          -> hello.app     (13-byte "Hello, World!")
    GET  /download  -> download.app  (10 MiB body)
    POST /upload    -> upload.app    (reads a 10 MiB body)
"""

import download
import hello
import upload

ROUTES = {"/": hello.app, "/download": download.app, "/upload": upload.app}


def _not_found(environ, start_response):
    body = b"not found"
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    return ROUTES.get(environ.get("PATH_INFO", "/"), _not_found)(environ, start_response)
