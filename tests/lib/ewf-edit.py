#!/usr/bin/env python3
"""Edits the last segment of an EWF1 (E01) set the way a tool or an
attacker could, keeping every section checksum valid:

  ewf-edit.py errors LAST_SEGMENT FIRST_SECTOR:COUNT ...
      adds an "error2" section (acquisition read errors) before "done",
      as ewfacquire writes one for sectors it could not read;
  ewf-edit.py forge-md5 LAST_SEGMENT
      changes the stored MD5 (and SHA-1) in the "hash" and "digest"
      sections, so the image no longer matches its acquisition record.
"""
import struct
import sys
import zlib


def adler(b):
    return struct.pack("<I", zlib.adler32(bytes(b)))


def descriptor(kind, off, nxt, size):
    d = kind.ljust(16, b"\0") + struct.pack("<QQ", nxt, size) + bytes(40)
    return d + adler(d)


def sections(data):
    """(kind, offset, size) of each section, up to and including the end."""
    off = 13
    while True:
        kind = bytes(data[off:off + 16]).rstrip(b"\0")
        nxt, size = struct.unpack_from("<QQ", data, off + 16)
        yield kind, off, size
        if kind in (b"done", b"next"):
            return
        off = nxt


def add_errors(data, ranges):
    done = [s for s in sections(data) if s[0] == b"done"]
    if not done:
        sys.exit("not the last segment of a set")
    off = done[0][1]
    head = struct.pack("<I", len(ranges)) + bytes(512)
    head += adler(head)
    entries = b"".join(struct.pack("<II", *map(int, r.split(":")))
                       for r in ranges)
    body = head + entries + adler(entries)
    size = 76 + len(body)
    section = descriptor(b"error2", off, off + size, size) + body
    done_at = off + size
    return bytes(data[:off]) + section + descriptor(b"done", done_at,
                                                    done_at, 0)


def forge_md5(data):
    found = False
    for kind, off, _ in list(sections(data)):
        body = off + 76
        if kind == b"hash":
            data[body] ^= 0xff
            data[body + 32:body + 36] = adler(data[body:body + 32])
            found = True
        elif kind == b"digest":
            data[body] ^= 0xff
            data[body + 16] ^= 0xff
            data[body + 76:body + 80] = adler(data[body:body + 76])
            found = True
    if not found:
        sys.exit("no hash or digest section in this segment")
    return bytes(data)


def main():
    what, path = sys.argv[1], sys.argv[2]
    data = bytearray(open(path, "rb").read())
    if what == "errors":
        out = add_errors(data, sys.argv[3:])
    elif what == "forge-md5":
        out = forge_md5(data)
    else:
        sys.exit(__doc__)
    with open(path, "wb") as f:
        f.write(out)


main()
