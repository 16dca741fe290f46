"""The WSGI environ (PEP 3333, "environ Variables") and wsgi.file_wrapper.

The master sends the CGI keys (REQUEST_METHOD, SCRIPT_NAME, PATH_INFO, QUERY_STRING,
CONTENT_TYPE/LENGTH, SERVER_*, REMOTE_*, HTTP_*) plus wsgi.url_scheme as NUL-separated
latin-1 text, already in PEP 3333's "bytes-as-unicode" form, so decoding is one
``str(..., 'latin-1')`` and one split. We keep the master's key order and append the
wsgi.* objects only the worker can provide.
"""

WSGI_VERSION = (1, 0)


class FileWrapper:
    """wsgi.file_wrapper, as PEP 3333's "Optional Platform-Specific File Handling" sketches.

    Iterates a file-like object in blocks; close() closes it (the server calls it like any
    iterable's close()).
    """

    def __init__(self, filelike, blksize=64 * 1024):
        self.filelike = filelike
        self.blksize = blksize

    def __iter__(self):
        return self

    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration

    def close(self):
        close = getattr(self.filelike, "close", None)
        if close is not None:
            close()


def make_static_keys(errors_stream):
    """The per-process part of every environ, added after wsgi.version and wsgi.input."""
    return {
        "wsgi.errors": errors_stream,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.file_wrapper": FileWrapper,
        # Extension (gunicorn, mod_wsgi, werkzeug): wsgi.input returns b"" at the end of the
        # body, so it is safe to read without CONTENT_LENGTH (chunked uploads). Werkzeug
        # hands the app an empty stream for such requests unless this is set.
        "wsgi.input_terminated": True,
    }


def build_environ(text, wsgi_input, static_keys):
    """environ dict from the REQUEST text ("k\\0v\\0k\\0v"), master's order preserved."""
    items = iter(text.split("\0"))
    environ = dict(zip(items, items))
    environ["wsgi.version"] = WSGI_VERSION
    environ["wsgi.input"] = wsgi_input
    environ.update(static_keys)
    return environ
