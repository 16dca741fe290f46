"""RequestCapture: what the app did with PEP 3333, collected only for CAPTURE requests.

Holds the environ as given to the app, every start_response call (status, headers and a
formatted exc_info), whether write() was used, chunk sizes and findings (PEP 3333
problems the server noticed). Requests without the CAPTURE flag never build one: the
response code tests ``capture is not None`` before doing any of this work.
"""

from .compact_json import dumps as _dumps
from .errors import describe_exc_info


def _text(value):
    return value if type(value) is str else repr(value)


#: The keys this worker adds after the master's (all str) ones, per wsgi.input type: the
#: same for every request, so it is computed once, not per request (capture is hot too).
_EXTRA_BY_INPUT = {}


def _environ_extra_json(environ):
    """The non-str keys the worker added, in order, as JSON [[key, "<type name>"], ...]."""
    input_type = type(environ["wsgi.input"])
    extra = _EXTRA_BY_INPUT.get(input_type)
    if extra is None:
        extra = _dumps([[key, "<%s>" % type(value).__name__]
                        for key, value in environ.items() if type(value) is not str])
        _EXTRA_BY_INPUT[input_type] = extra
    return extra


class Capture:
    __slots__ = ("environ_extra_json", "start_calls", "used_write", "chunk_sizes", "findings", "close_called")

    def __init__(self, environ):
        # The environ as handed to the app is the master's REQUEST pairs (the master keeps
        # them) followed by these worker-added keys: together, every key in order.
        self.environ_extra_json = _environ_extra_json(environ)
        self.start_calls = []
        self.used_write = False
        self.chunk_sizes = []
        self.findings = []
        self.close_called = None

    def start_call(self, status, headers, exc_info):
        # Kept as given (headers copied: the app may reuse its list), made JSON-ready only in
        # to_json_text, where the common all-str call needs no conversion at all.
        described = describe_exc_info(exc_info) if exc_info is not None else None
        self.start_calls.append((status, list(headers) if type(headers) is list else headers,
                                 described))

    def finding(self, code, message):
        for existing in self.findings:
            if existing["code"] == code and existing["message"] == message:
                return
        self.findings.append({"code": code, "message": message})

    def to_json_text(self):
        """The capture as JSON text (a RequestCapture), the constant environ part spliced in
        (encoding it per request was the largest cost of capture in the worker)."""
        findings = self.findings
        return ('{"environExtra":%s,"startResponse":%s,"usedWrite":%s,"chunkSizes":[%s],"findings":%s,"closeCalled":%s}'
                % (self.environ_extra_json, _dumps(self._calls()), "true" if self.used_write else "false",
                   ",".join(map(str, self.chunk_sizes)), _dumps(findings) if findings else "[]",
                   "null" if self.close_called is None else ("true" if self.close_called else "false")))

    def _calls(self):
        calls = []
        for status, headers, exc_info in self.start_calls:
            call = {"status": _text(status), "headers": headers if _all_str_pairs(headers) else _pairs(headers)}
            if exc_info is not None:
                call["excInfo"] = exc_info
            calls.append(call)
        return calls


def _all_str_pairs(headers):
    """True for a list of (str, str) tuples: JSON encodes it as is (tuples become arrays)."""
    if type(headers) is not list:
        return False
    for item in headers:
        if type(item) is not tuple or len(item) != 2 or type(item[0]) is not str or type(item[1]) is not str:
            return False
    return True


def _pairs(headers):
    """Whatever the app passed as headers, as [name, value] string pairs (repr for non-str)."""
    if not isinstance(headers, (list, tuple)):
        return []
    pairs = []
    for item in headers:
        if isinstance(item, (tuple, list)) and len(item) == 2:
            pairs.append([_text(item[0]), _text(item[1])])
        else:
            pairs.append([_text(item), ""])
    return pairs
