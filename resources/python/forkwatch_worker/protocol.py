"""Wire protocol constants, mirrored from src-main/gateway/protocol.ts (version 1).

Change both files together. Every frame is a 9-byte header (u32 BE payload length,
u8 type, u32 BE request id) followed by the payload. This module holds only constants
and tiny encoders so every other module agrees on the byte layout.
"""

import struct

PROTOCOL_VERSION = 1
HEADER_SIZE = 9

#: ``>IBI`` = length, type, request id. One precompiled Struct: pack/unpack_from are the
#: cheapest way to build and read headers on the hot path.
HEADER = struct.Struct(">IBI")
pack_header = HEADER.pack
unpack_header = HEADER.unpack_from

# Frames the master sends.
REQUEST = 0x01
BODY = 0x02
BODY_END = 0x03
ABORT = 0x04
SHUTDOWN = 0x05

# Frames the worker sends.
READY = 0x81
BOOT_FAILED = 0x82
CONTINUE = 0x83
START = 0x84
RESPONSE_BODY = 0x85  # WorkerFrame.BODY; renamed here so it cannot be confused with BODY.
END = 0x86
LOG = 0x87

# RequestFlags: bits of REQUEST's first payload byte.
HAS_BODY = 1
EXPECT_CONTINUE = 2
CAPTURE = 4

# BODY_END payload byte.
BODY_COMPLETE = 0
BODY_CLIENT_GONE = 1

# Exit codes (named after gunicorn's).
EXIT_OK = 0
EXIT_WORKER_BOOT_ERROR = 3
EXIT_APP_LOAD_ERROR = 4

#: BODY frames are split at this size so one frame never needs a huge buffer on either side.
MAX_BODY_FRAME = 256 * 1024


def frame(ftype, request_id, payload=b""):
    """One complete frame as bytes (small payloads; big ones go through Channel.send_body)."""
    return pack_header(len(payload), ftype, request_id) + payload
