"""RequestCapture: what the app did with PEP 3333, collected only for CAPTURE requests.

Holds the environ as given to the app, every start_response call (status, headers and a
formatted exc_info), whether write() was used, chunk sizes and findings (PEP 3333
problems the server noticed). Requests without the CAPTURE flag never build one: the
response code tests ``capture is not None`` before doing any of this work.
"""

from .errors import describe_exc_info


def _text(value):
    return value if type(value) is str else repr(value)


class Capture:
    __slots__ = ("environ", "start_calls", "used_write", "chunk_sizes", "findings", "close_called")

    def __init__(self, environ):
        # Snapshot at call time: what the server handed the app, before the app adds keys.
        self.environ = [
            [key, value if type(value) is str else "<%s>" % type(value).__name__]
            for key, value in environ.items()
        ]
        self.start_calls = []
        self.used_write = False
        self.chunk_sizes = []
        self.findings = []
        self.close_called = None

    def start_call(self, status, headers, exc_info):
        if isinstance(headers, (list, tuple)):
            pairs = []
            for item in headers:
                if isinstance(item, (tuple, list)) and len(item) == 2:
                    pairs.append([_text(item[0]), _text(item[1])])
                else:
                    pairs.append([_text(item), ""])
        else:
            pairs = []
        call = {"status": _text(status), "headers": pairs}
        if exc_info is not None:
            call["excInfo"] = describe_exc_info(exc_info)
        self.start_calls.append(call)

    def finding(self, code, message):
        for existing in self.findings:
            if existing["code"] == code and existing["message"] == message:
                return
        self.findings.append({"code": code, "message": message})

    def to_json(self):
        return {
            "environ": self.environ,
            "startResponse": self.start_calls,
            "usedWrite": self.used_write,
            "chunkSizes": self.chunk_sizes,
            "findings": self.findings,
            "closeCalled": self.close_called,
        }
