"""Gzip files that carry a small JSON description in their header (the gzip "comment" field).

Any gzip tool still reads them; the app reads the description (format, schema revision, lens
count...) without decompressing anything, so the restore list shows a lens count at once. Writing
goes through zlib directly with large buffers, because compression is most of a backup's time.
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from pathlib import Path
from typing import IO, Any

LEVEL = 6
CHUNK = 4 * 1024 * 1024
WRITE_BUFFER = 4 * 1024 * 1024
_FTEXT, _FHCRC, _FEXTRA, _FNAME, _FCOMMENT = 1, 2, 4, 8, 16


class GzipWriter:
    """Streaming gzip writer (level 6) with a JSON comment in the header."""

    def __init__(self, raw: IO[bytes], comment: dict[str, Any] | None = None) -> None:
        self.raw = raw
        flags = 0
        extra = b""
        if comment is not None:
            flags |= _FCOMMENT
            extra = json.dumps(comment, ensure_ascii=True, separators=(",", ":")).encode("latin-1")
            extra = extra.replace(b"\0", b"") + b"\0"
        header = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", int(time.time()))
        raw.write(header + b"\x00\xff" + extra)
        self.compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, 8)
        self.crc = 0
        self.size = 0

    def write(self, data: bytes | memoryview) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        out = self.compressor.compress(data)
        if out:
            self.raw.write(out)

    def close(self) -> None:
        self.raw.write(self.compressor.flush())
        self.raw.write(struct.pack("<II", self.crc & 0xFFFFFFFF, self.size & 0xFFFFFFFF))


def read_comment(path: Path) -> dict[str, Any] | None:
    """The JSON description in a gzip header, or None (not gzip, no comment, not ours)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(10)
            if len(head) < 10 or head[:3] != b"\x1f\x8b\x08":
                return None
            flags = head[3]
            if flags & _FEXTRA:
                (length,) = struct.unpack("<H", handle.read(2))
                handle.read(length)
            if flags & _FNAME:
                _read_zero_terminated(handle)
            if not flags & _FCOMMENT:
                return None
            raw = _read_zero_terminated(handle)
    except OSError:
        return None
    try:
        value = json.loads(raw.decode("latin-1"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _read_zero_terminated(handle: IO[bytes], limit: int = 65536) -> bytes:
    data = bytearray()
    while len(data) < limit:
        byte = handle.read(1)
        if not byte or byte == b"\0":
            break
        data += byte
    return bytes(data)
