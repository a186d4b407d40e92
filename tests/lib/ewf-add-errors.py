#!/usr/bin/env python3
"""Adds an EWF1 "error2" section (acquisition read errors) to the last
segment of an E01 set, just before its "done" section, as ewfacquire
writes one for sectors it could not read.  Usage:
ewf-add-errors.py LAST_SEGMENT FIRST_SECTOR:COUNT ..."""
import struct
import sys
import zlib


def descriptor(kind, off, size):
    d = kind.ljust(16, b"\0") + struct.pack("<QQ", off + size, size) + bytes(40)
    return d + struct.pack("<I", zlib.adler32(d))


def main():
    path, ranges = sys.argv[1], sys.argv[2:]
    data = bytearray(open(path, "rb").read())
    off = 13
    while True:
        kind = bytes(data[off:off + 16]).rstrip(b"\0")
        if kind == b"done":
            break
        if kind == b"next":
            sys.exit("not the last segment")
        off = struct.unpack_from("<Q", data, off + 16)[0]
    head = struct.pack("<I", len(ranges)) + bytes(512)
    head += struct.pack("<I", zlib.adler32(head))
    entries = b"".join(struct.pack("<II", *map(int, r.split(":")))
                       for r in ranges)
    body = head + entries + struct.pack("<I", zlib.adler32(entries))
    section = descriptor(b"error2", off, 76 + len(body)) + body
    done_at = off + len(section)
    done = descriptor(b"done", done_at, 0)
    done = done[:16] + struct.pack("<QQ", done_at, 0) + done[32:72]
    done += struct.pack("<I", zlib.adler32(done))
    with open(path, "wb") as f:
        f.write(bytes(data[:off]) + section + done)


main()
