#!/usr/bin/env python3
"""Make a VHDX differencing image (child) over an existing VHDX parent.

Why: the differencing-chain tests need a VHDX child whose logical disk is a
known raw image B while its parent holds raw image A, and qemu-img can only
create VHDX base images (fixed/dynamic), not differencing ones.

Usage: mkvhdxdiff.py PARENT.vhdx A.raw B.raw CHILD.vhdx
           [--parent-path-style relative|absolute|both]
           [--break header|region|parent-locator]

Written from the public [MS-VHDX] specification. Layout of the child:
  0       file type identifier "vhdxfile"
  64 KiB  header 1, 128 KiB header 2 (CRC-32C, LogGuid zero: nothing to replay)
  192 KiB region table 1, 256 KiB region table 2 (BAT + metadata regions)
  1 MiB   log region (1 MiB of zeros, empty)
  2 MiB   metadata region (1 MiB), 3 MiB BAT region, then 1 MiB-aligned blocks.
Blocks where B equals A are PAYLOAD_BLOCK_NOT_PRESENT (0): read from the
parent. A block where every sector differs is FULLY_PRESENT (6). Any other
changed block is PARTIALLY_PRESENT (7): the sector bitmap block of its chunk
marks exactly the differing sectors, and the unmarked sectors of the payload
are filled with a "NOTPRESENT" pattern so that a reader ignoring the bitmap
gets a wrong hash instead of passing by luck.
"""
import argparse
import os
import struct
import sys
import uuid

KIB, MIB = 1024, 1024 * 1024
BLOCK_SIZE = 2 * MIB
REGION_BAT = uuid.UUID("2DC27766-F623-4200-9D64-115E9BFD4A08")
REGION_METADATA = uuid.UUID("8B7CA206-4790-4B9A-B8FE-575F050F886E")
META_FILE_PARAMETERS = uuid.UUID("CAA16737-FA36-4D43-B3B6-33F0AA44E76B")
META_VIRTUAL_DISK_SIZE = uuid.UUID("2FA54224-CD1B-4876-B211-5DBED83BF4B8")
META_PAGE83 = uuid.UUID("BECA12AB-B2E6-4523-93EF-C309E000C746")
META_LOGICAL_SECTOR = uuid.UUID("8141BF1D-A96F-4709-BA47-F233A8FAAB5F")
META_PHYSICAL_SECTOR = uuid.UUID("CDA348C7-445D-4471-9CC9-E9885251C556")
META_PARENT_LOCATOR = uuid.UUID("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C")
LOCATOR_TYPE_VHDX = uuid.UUID("B04AEFB7-D19E-4A81-B789-25B8E9445913")
PAYLOAD_NOT_PRESENT, PAYLOAD_FULLY_PRESENT, PAYLOAD_PARTIALLY_PRESENT = 0, 6, 7
SB_BLOCK_PRESENT = 6


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = CRC32C_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def with_checksum(buf):
    """Checksum field (bytes 4..8) is zero while the CRC is computed."""
    buf = bytearray(buf)
    buf[4:8] = b"\0\0\0\0"
    buf[4:8] = struct.pack("<I", crc32c(buf))
    return buf


def fail(msg):
    sys.exit("mkvhdxdiff: " + msg)


def read_parent(path):
    """Return (DataWriteGuid, disk size, logical sector, physical sector)."""
    with open(path, "rb") as f:
        head = f.read(MIB)
    if head[:8] != b"vhdxfile":
        fail(path + ": not a VHDX file (no vhdxfile identifier)")
    best = None
    for off in (64 * KIB, 128 * KIB):
        h = head[off:off + 4 * KIB]
        stored = struct.unpack_from("<I", h, 4)[0]
        if h[:4] != b"head" or stored != crc32c(h[:4] + bytes(4) + h[8:]):
            continue
        seq = struct.unpack_from("<Q", h, 8)[0]
        if best is None or seq > best[0]:
            best = (seq, h)
    if best is None:
        fail(path + ": no header with a valid checksum")
    data_write_guid = uuid.UUID(bytes_le=bytes(best[1][32:48]))
    rt = head[192 * KIB:256 * KIB]
    if rt[:4] != b"regi":
        fail(path + ": region table 1 has no regi signature")
    meta_off = meta_len = None
    for i in range(struct.unpack_from("<I", rt, 8)[0]):
        e = 16 + 32 * i
        if uuid.UUID(bytes_le=bytes(rt[e:e + 16])) == REGION_METADATA:
            meta_off, meta_len = struct.unpack_from("<QI", rt, e + 16)
    if meta_off is None:
        fail(path + ": no metadata region")
    with open(path, "rb") as f:
        f.seek(meta_off)
        meta = f.read(meta_len)
    items = {}
    for i in range(struct.unpack_from("<H", meta, 10)[0]):
        e = 32 + 32 * i
        item = uuid.UUID(bytes_le=bytes(meta[e:e + 16]))
        off, length = struct.unpack_from("<II", meta, e + 16)
        items[item] = meta[off:off + length]
    disk_size = struct.unpack("<Q", items[META_VIRTUAL_DISK_SIZE])[0]
    logical = struct.unpack("<I", items[META_LOGICAL_SECTOR])[0]
    physical = struct.unpack("<I", items.get(META_PHYSICAL_SECTOR,
                                             struct.pack("<I", 4096)))[0]
    return data_write_guid, disk_size, logical, physical


def header(seq, file_write, data_write):
    h = bytearray(4 * KIB)
    struct.pack_into("<4sIQ16s16s16sHHIQ", h, 0, b"head", 0, seq,
                     file_write.bytes_le, data_write.bytes_le,
                     b"\0" * 16, 0, 1, MIB, MIB)
    return with_checksum(h)


def region_table(bat_off, bat_len, meta_off, meta_len):
    rt = bytearray(64 * KIB)
    struct.pack_into("<4sIII", rt, 0, b"regi", 0, 2, 0)
    struct.pack_into("<16sQII", rt, 16, REGION_BAT.bytes_le, bat_off,
                     bat_len, 1)
    struct.pack_into("<16sQII", rt, 48, REGION_METADATA.bytes_le, meta_off,
                     meta_len, 1)
    return with_checksum(rt)


def parent_locator(entries):
    """Key/value strings are UTF-16LE without terminator, per the spec."""
    head = bytearray(struct.pack("<16sHH", LOCATOR_TYPE_VHDX.bytes_le, 0,
                                 len(entries)))
    strings = bytearray()
    base = 20 + 12 * len(entries)
    for key, value in entries:
        k, v = key.encode("utf-16-le"), value.encode("utf-16-le")
        koff = base + len(strings)
        strings += k
        voff = base + len(strings)
        strings += v
        head += struct.pack("<IIHH", koff, voff, len(k), len(v))
    return bytes(head + strings)


def metadata_region(disk_size, logical, physical, locator):
    # Flags: bit 0 IsUser, bit 1 IsVirtualDisk, bit 2 IsRequired.
    items = [
        (META_FILE_PARAMETERS, struct.pack("<II", BLOCK_SIZE, 2), 4),
        (META_VIRTUAL_DISK_SIZE, struct.pack("<Q", disk_size), 6),
        (META_PAGE83, uuid.uuid4().bytes_le, 6),
        (META_LOGICAL_SECTOR, struct.pack("<I", logical), 6),
        (META_PHYSICAL_SECTOR, struct.pack("<I", physical), 6),
        (META_PARENT_LOCATOR, locator, 4),
    ]
    meta = bytearray(MIB)
    struct.pack_into("<8sHH", meta, 0, b"metadata", 0, len(items))
    data_off = 64 * KIB
    for i, (item, data, flags) in enumerate(items):
        struct.pack_into("<16sIIII", meta, 32 + 32 * i, item.bytes_le,
                         data_off, len(data), flags, 0)
        meta[data_off:data_off + len(data)] = data
        data_off += (len(data) + 7) & ~7
    return meta


def locator_entries(parent, child, linkage, style):
    parent_abs = os.path.abspath(parent)
    rel = os.path.relpath(parent_abs, os.path.dirname(os.path.abspath(child)))
    rel = rel.replace("/", "\\")
    if not rel.startswith(".."):
        rel = ".\\" + rel
    entries = [("parent_linkage", "{" + str(linkage) + "}")]
    if style in ("relative", "both"):
        entries.append(("relative_path", rel))
    if style in ("absolute", "both"):
        entries.append(("absolute_win32_path",
                        "C:" + parent_abs.replace("/", "\\")))
    return entries


def diff_block(a, b, logical):
    """Return the list of sector indexes of the block where b differs."""
    if a == b:
        return []
    return [s for s in range(len(b) // logical)
            if a[s * logical:(s + 1) * logical] !=
            b[s * logical:(s + 1) * logical]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("parent")
    ap.add_argument("a_raw")
    ap.add_argument("b_raw")
    ap.add_argument("child")
    ap.add_argument("--parent-path-style", default="both",
                    choices=("relative", "absolute", "both"))
    ap.add_argument("--break", dest="breakage",
                    choices=("header", "region", "parent-locator"))
    args = ap.parse_args()

    linkage, disk_size, logical, physical = read_parent(args.parent)
    for raw in (args.a_raw, args.b_raw):
        if os.path.getsize(raw) != disk_size:
            fail("%s: size %d differs from the parent disk size %d"
                 % (raw, os.path.getsize(raw), disk_size))
    if args.breakage == "parent-locator":
        linkage = uuid.uuid4()
    chunk_ratio = (1 << 23) * logical // BLOCK_SIZE
    sectors_per_block = BLOCK_SIZE // logical
    blocks = (disk_size + BLOCK_SIZE - 1) // BLOCK_SIZE
    chunks = (blocks + chunk_ratio - 1) // chunk_ratio
    bat_entries = chunks * (chunk_ratio + 1)
    bat_len = (bat_entries * 8 + MIB - 1) // MIB * MIB
    log_off, meta_off, bat_off = MIB, 2 * MIB, 3 * MIB
    next_free = bat_off + bat_len
    bat = bytearray(bat_len)
    bitmaps = {}
    filler = (b"NOTPRESENT" * (logical // 10 + 1))[:logical]

    with open(args.a_raw, "rb") as fa, open(args.b_raw, "rb") as fb, \
            open(args.child, "wb") as out:
        for blk in range(blocks):
            a, b = fa.read(BLOCK_SIZE), fb.read(BLOCK_SIZE)
            diff = diff_block(a, b, logical)
            if not diff:
                continue
            state = PAYLOAD_PARTIALLY_PRESENT
            if len(diff) == sectors_per_block:
                state = PAYLOAD_FULLY_PRESENT
                payload = b
            else:
                present = set(diff)
                payload = b"".join(
                    b[s * logical:(s + 1) * logical] if s in present
                    else filler for s in range(len(b) // logical))
                chunk, first = divmod(blk, chunk_ratio)
                bm = bitmaps.setdefault(chunk, bytearray(MIB))
                for s in diff:
                    bit = first * sectors_per_block + s
                    bm[bit >> 3] |= 1 << (bit & 7)
            out.seek(next_free)
            out.write(payload.ljust(BLOCK_SIZE, b"\0"))
            struct.pack_into("<Q", bat, 8 * (blk + blk // chunk_ratio),
                             state | (next_free // MIB) << 20)
            next_free += BLOCK_SIZE
        for chunk, bm in sorted(bitmaps.items()):
            out.seek(next_free)
            out.write(bm)
            entry = chunk * (chunk_ratio + 1) + chunk_ratio
            struct.pack_into("<Q", bat, 8 * entry,
                             SB_BLOCK_PRESENT | (next_free // MIB) << 20)
            next_free += MIB

        ident = bytearray(64 * KIB)
        ident[:8] = b"vhdxfile"
        creator = "exhume tests/tools/mkvhdxdiff.py".encode("utf-16-le")
        ident[8:8 + len(creator)] = creator
        file_write, data_write = uuid.uuid4(), uuid.uuid4()
        headers = [header(1, file_write, data_write),
                   header(2, file_write, data_write)]
        tables = [region_table(bat_off, bat_len, meta_off, MIB)] * 2
        if args.breakage == "header":
            headers = [h[:4] + bytes(x ^ 0xFF for x in h[4:8]) + h[8:]
                       for h in headers]
        if args.breakage == "region":
            tables = [t[:4] + bytes(x ^ 0xFF for x in t[4:8]) + t[8:]
                      for t in tables]
        entries = locator_entries(args.parent, args.child, linkage,
                                  args.parent_path_style)
        layout = [(0, ident), (64 * KIB, headers[0]), (128 * KIB, headers[1]),
                  (192 * KIB, tables[0]), (256 * KIB, tables[1]),
                  (log_off, bytes(MIB)),
                  (meta_off, metadata_region(disk_size, logical, physical,
                                             parent_locator(entries))),
                  (bat_off, bat)]
        for off, data in layout:
            out.seek(off)
            out.write(data)
        out.truncate(next_free)


if __name__ == "__main__":
    main()
