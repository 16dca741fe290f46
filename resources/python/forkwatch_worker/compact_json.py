"""Compact JSON text, exactly as ``json.dumps(obj, separators=(",", ":"))`` writes it, without
importing the json package.

The worker only ever encodes JSON (frames for the master), but ``import json`` costs several
milliseconds of every worker's boot: json/__init__ imports json.decoder, which imports re. The
encoder is in the C module _json, so it is built from there, once, with the very arguments
JSONEncoder.iterencode hands to it for these separators (ensure_ascii, allow_nan, no indent,
no sort_keys, no skipkeys): same bytes. Built once, not per call as JSONEncoder.encode does
(building it cost more than encoding a small record).

One difference that only shows on bad input: no circular-reference check (markers None, as
capture.py always did). The worker encodes trees of dicts, lists and scalars it has just built,
never cycles; and a markers dict shared by every call would keep stale entries after a failed
encoding and be shared between threads (app threads log too).
"""

try:
    from _json import encode_basestring_ascii, make_encoder
except ImportError:  # no C accelerator (another Python implementation): the json package
    make_encoder = None


def _default(obj):
    """JSONEncoder.default: the same TypeError for a value JSON cannot hold."""
    raise TypeError("Object of type %s is not JSON serializable" % obj.__class__.__name__)


def _make_dumps():
    if make_encoder is None:
        import json

        return json.JSONEncoder(separators=(",", ":")).encode
    encode = make_encoder(None, _default, encode_basestring_ascii, None, ":", ",", False,
                          False, True)
    return lambda obj: "".join(encode(obj, 0))


#: dumps(obj) -> str, ASCII only (non-ASCII characters are escaped).
dumps = _make_dumps()


def dumps_bytes(obj):
    """The JSON text as bytes, the payload of a frame."""
    return dumps(obj).encode("utf-8")
