"""RequestCapture: what the app did with PEP 3333, collected only for CAPTURE requests.

Holds the environ as given to the app, every start_response call (status, headers and a
formatted exc_info), whether write() was used, chunk sizes and findings (PEP 3333
problems the server noticed). Requests without the CAPTURE flag never build one: the
response code tests ``capture is not None`` before doing any of this work.

start_response calls are kept in one of two forms (see ``RequestCapture`` in protocol.ts):

* plain: the one call almost every app makes (no exc_info, str status, a list of (str, str)
  tuples that passed start_response's hot path unchanged). start_response has already
  joined it into START's text, "status\\0name\\0value...", so that string is kept and sent
  as one JSON string, ``"startText"``, which the master splits back into a call.
* general: anything else, kept as given and sent as ``"startResponse"``, a list of calls.
"""

from .compact_json import dumps as _dumps
from .errors import describe_exc_info

try:
    from _json import encode_basestring_ascii as _json_string
except ImportError:  # no C accelerator: the same JSON text for a str, only slower
    _json_string = _dumps


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


_CLOSE_CALLED = {None: "null", True: "true", False: "false"}


class Capture:
    """The capture of one request. Per-request defaults live on the class (as on Exchange),
    so creating one sets a single attribute; lists are made only when something goes in."""

    start_text = None  # START text of a plain start_response call (the module docstring)
    pending = None  # (status, headers) of the call start_response is checking, if plain so far
    start_calls = None  # general calls: (status, headers as given, exc_info described)
    used_write = False
    chunk_sizes = None
    findings = None
    close_called = None

    def __init__(self, environ):
        # The environ as handed to the app is the master's REQUEST pairs (the master keeps
        # them) followed by these worker-added keys: together, every key in order.
        extra = _EXTRA_BY_INPUT.get(type(environ["wsgi.input"]))
        self.environ_extra_json = extra if extra is not None else _environ_extra_json(environ)

    def start_call(self, status, headers, exc_info):
        """Records a call the general way: kept as given (headers copied: the app may reuse
        its list), made JSON-ready only at the end, where an all-str call needs no work."""
        calls = self.start_calls
        if calls is None:
            calls = self.start_calls = []
            if self.start_text is not None:
                # A plain call came first: it stays first, now in the general form too.
                calls.append(_call_from_text(self.start_text))
                self.start_text = None
        described = describe_exc_info(exc_info) if exc_info is not None else None
        calls.append((status, list(headers) if type(headers) is list else headers, described))

    def record_pending(self):
        """The call start_response is checking left the hot path (it is about to raise, or to
        convert what the app passed): recorded as given, before that happens."""
        status, headers = self.pending
        self.pending = None
        self.start_call(status, headers, None)

    def add_chunk_size(self, size):
        sizes = self.chunk_sizes
        if sizes is None:
            self.chunk_sizes = [size]
        else:
            sizes.append(size)

    def finding(self, code, message):
        findings = self.findings
        if findings is None:
            findings = self.findings = []
        for existing in findings:
            if existing["code"] == code and existing["message"] == message:
                return
        findings.append({"code": code, "message": message})

    def end_payload(self, head):
        """END's payload of a captured request: head (END's JSON text without its closing
        brace), the finding count, a newline, then the capture's JSON, which the master
        parses only when someone reads the exchange. All ASCII (the JSON encoders escape
        the rest). One f-string: for a dozen values it costs less than one % operation or
        several concatenations. The constant environ part is spliced in: encoding it per
        request was the largest cost of capture in the worker."""
        if self.pending is not None:  # start_response was left by an unexpected exception
            self.record_pending()
        findings = self.findings
        sizes = self.chunk_sizes
        if sizes is None:
            sizes = ""
        else:  # one chunk (the common case) without a join
            sizes = str(sizes[0]) if len(sizes) == 1 else ",".join(map(str, sizes))
        if self.start_text is not None:
            calls = '"startText":' + _json_string(self.start_text)
        else:
            calls = '"startResponse":' + (_dumps(self._calls()) if self.start_calls else "[]")
        return (f'{head},"findingCount":{0 if findings is None else len(findings)}}}\n'
                f'{{"environExtra":{self.environ_extra_json},{calls},'
                f'"usedWrite":{"true" if self.used_write else "false"},'
                f'"chunkSizes":[{sizes}],'
                f'"findings":{_dumps(findings) if findings else "[]"},'
                f'"closeCalled":{_CLOSE_CALLED[self.close_called]}}}').encode("utf-8")

    def _calls(self):
        calls = []
        for status, headers, exc_info in self.start_calls:
            call = {"status": _text(status), "headers": headers if _all_str_pairs(headers) else _pairs(headers)}
            if exc_info is not None:
                call["excInfo"] = exc_info
            calls.append(call)
        return calls


def _call_from_text(start_text):
    """A plain call's START text back as the (status, headers, exc_info) it was made with."""
    parts = start_text.split("\0")
    return parts[0], list(zip(parts[1::2], parts[2::2])), None


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
