"""Wire protocol constants, mirrored from src-main/gateway/protocol.ts (version 1).

Change both files together. Every frame is a 9-byte header (u32 BE payload length,
u8 type, u32 BE request id) followed by the payload. Zygote-mode frames (FORK, FORKED,
FORK_FAILED, CHILD_EXIT, CHILD_OUTPUT, HELLO) are described in zygote.py and README.md. This module holds only constants
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
# Master -> zygote (--zygote mode only; see zygote.py). FORK: request id = fork id,
# payload = the fork's token (ASCII).
FORK = 0x06
# Master -> standby (--standby mode only; see standby.py): import the app now. Empty payload.
GO = 0x07

# Frames the worker sends.
READY = 0x81
BOOT_FAILED = 0x82
CONTINUE = 0x83
START = 0x84
RESPONSE_BODY = 0x85  # WorkerFrame.BODY; renamed here so it cannot be confused with BODY.
END = 0x86
LOG = 0x87
# Zygote -> master (on the zygote's fd 3).
FORKED = 0x88  # request id = fork id; payload JSON {"pid"}
FORK_FAILED = 0x89  # request id = fork id; payload JSON PythonError
CHILD_EXIT = 0x8A  # request id = child pid; payload JSON {"pid", "code", "signal"}
CHILD_OUTPUT = 0x8B  # request id = child pid; payload u8 fd (1, 2 or 4) + raw bytes
# Forked worker -> master, first frame on its connection to the master's Unix socket.
HELLO = 0x8C  # request id = fork id; payload JSON {"pid", "token"}

# RequestFlags: bits of REQUEST's first payload byte.
HAS_BODY = 1
EXPECT_CONTINUE = 2
CAPTURE = 4
LINGER = 8  # poll for the next request a while after answering (the master has a core to spare)

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
