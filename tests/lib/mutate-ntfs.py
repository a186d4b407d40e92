#!/usr/bin/env python3
"""Deterministic, structure-aware mutants of an NTFS volume image.

    mutate-ntfs.py BASE.img OUTDIR FIRST COUNT

writes OUTDIR/m<N>.img for N in FIRST..FIRST+COUNT-1, each from seed N, and
OUTDIR/m<N>.txt saying what was changed.  The mutations aim where parsers
trust the disk: boot-sector geometry, MFT record headers and their update
sequence arrays, attribute headers (lengths, offsets, resident/non-resident,
names), runlists, data/allocated/initialized sizes, index roots and INDX
blocks, $STANDARD_INFORMATION and $FILE_NAME fields, and truncation.  Edits
inside a record are made with its fixups undone and redone, so the damage
reaches the structure behind the fixup check (a few mutants break the
fixups themselves on purpose).
"""
import random
import struct
import sys

BOUNDARY = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
            0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 32,
            (1 << 48) - 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1]


def value(rng, width):
    if rng.random() < 0.6:
        v = rng.choice(BOUNDARY)
    else:
        v = rng.getrandbits(8 * width)
    return v & ((1 << (8 * width)) - 1)


def put(buf, off, width, v):
    if 0 <= off and off + width <= len(buf):
        buf[off:off + width] = v.to_bytes(width, 'little')


class Volume:
    def __init__(self, img):
        self.img = img
        bps = struct.unpack_from('<H', img, 11)[0]
        spc = img[13]
        self.cluster = bps * spc
        self.mft = struct.unpack_from('<Q', img, 48)[0] * self.cluster
        c = struct.unpack_from('<b', img, 64)[0]
        self.rec = (1 << -c) if c < 0 else c * self.cluster
        c = struct.unpack_from('<b', img, 68)[0]
        self.indx = (1 << -c) if c < 0 else c * self.cluster

    def records(self):
        """Offsets of the MFT records in use (FILE magic)."""
        out = []
        off = self.mft
        while off + self.rec <= len(self.img) and len(out) < 256:
            if self.img[off:off + 4] == b'FILE':
                out.append(off)
            elif off > self.mft + 128 * self.rec:
                break
            off += self.rec
        return out

    def indx_blocks(self):
        out, off = [], 0
        while True:
            off = self.img.find(b'INDX', off)
            if off < 0:
                return out
            if off % 512 == 0:
                out.append(off)
            off += 4


def fixups(buf, off, size, undo):
    """Undoes (undo=True) or redoes the update sequence of a block."""
    usa = struct.unpack_from('<H', buf, off + 4)[0]
    count = struct.unpack_from('<H', buf, off + 6)[0]
    if usa + 2 * count > size or count < 2 or count - 1 > size // 512:
        return False
    for i in range(1, count):
        tail = off + 512 * i - 2
        if undo:
            buf[tail:tail + 2] = buf[off + usa + 2 * i:off + usa + 2 * i + 2]
        else:
            buf[off + usa + 2 * i:off + usa + 2 * i + 2] = buf[tail:tail + 2]
            buf[tail:tail + 2] = buf[off + usa:off + usa + 2]
    return True


def attributes(buf, rec, size):
    """(offset, type) of each attribute of the record at rec."""
    out = []
    a = rec + struct.unpack_from('<H', buf, rec + 20)[0]
    while a + 16 <= rec + size:
        t, ln = struct.unpack_from('<II', buf, a)
        if t == 0xffffffff or ln < 16 or a + ln > rec + size:
            break
        out.append((a, t))
        a += ln
    return out


def mutate_boot(rng, buf, vol, log):
    fields = [(11, 2), (13, 1), (40, 8), (48, 8), (56, 8), (64, 1), (68, 1),
              (14, 2), (0x1fe, 2)]
    off, w = rng.choice(fields)
    v = value(rng, w)
    put(buf, off, w, v)
    log.append('boot sector +%d = %#x' % (off, v))


def mutate_record_header(rng, buf, rec, log):
    fields = [(4, 2), (6, 2), (16, 2), (18, 2), (20, 2), (22, 2), (24, 4),
              (28, 4), (32, 8), (40, 2), (44, 4)]
    off, w = rng.choice(fields)
    v = value(rng, w)
    put(buf, rec + off, w, v)
    log.append('record@%d header +%d = %#x' % (rec, off, v))


def mutate_attribute(rng, buf, rec, size, log):
    attrs = attributes(buf, rec, size)
    if not attrs:
        return False
    a, t = rng.choice(attrs)
    resident = buf[a + 8] == 0
    fields = [(0, 4), (4, 4), (8, 1), (9, 1), (10, 2), (12, 2), (14, 2)]
    if resident:
        fields += [(16, 4), (20, 2)] * 3
    else:
        fields += [(16, 8), (24, 8), (32, 2), (34, 2), (40, 8), (48, 8),
                   (56, 8)] * 2
    if t == 0x10 and resident:                  # $STANDARD_INFORMATION
        vo = struct.unpack_from('<H', buf, a + 20)[0]
        fields += [(vo + k, 8) for k in (0, 8, 16, 24)] * 2 + [(vo + 52, 4)]
    if t == 0x30 and resident:                  # $FILE_NAME
        vo = struct.unpack_from('<H', buf, a + 20)[0]
        fields += [(vo, 8), (vo + 8, 8), (vo + 40, 8), (vo + 48, 8),
                   (vo + 64, 1), (vo + 65, 1)] * 2
    if t == 0x90 and resident:                  # $INDEX_ROOT
        vo = struct.unpack_from('<H', buf, a + 20)[0]
        fields += [(vo + 8, 4), (vo + 16, 4), (vo + 20, 4), (vo + 24, 4),
                   (vo + 28, 1)] * 3
    off, w = rng.choice(fields)
    v = value(rng, w)
    put(buf, a + off, w, v)
    log.append('record@%d attr %#x@%d +%d = %#x' % (rec, t, a - rec, off, v))
    return True


def mutate_runlist(rng, buf, rec, size, log):
    runs = [(a, t) for a, t in attributes(buf, rec, size) if buf[a + 8] == 1]
    if not runs:
        return False
    a, t = rng.choice(runs)
    mp = struct.unpack_from('<H', buf, a + 32)[0]
    ln = struct.unpack_from('<I', buf, a + 4)[0]
    if mp >= ln:
        return False
    k = a + mp + rng.randrange(0, min(8, ln - mp))
    v = rng.choice([0x00, 0x11, 0x88, 0xff, 0x0f, 0xf0, rng.getrandbits(8)])
    buf[k] = v
    log.append('record@%d runlist of %#x byte %d = %#x' % (rec, t, k - a - mp, v))
    return True


def mutate_indx(rng, buf, blk, size, log):
    fields = [(4, 2), (6, 2), (16, 8), (24, 4), (28, 4), (32, 4), (36, 1)]
    off, w = rng.choice(fields)
    if off in (4, 6):
        fixups(buf, blk, size, False)
        put(buf, blk + off, w, value(rng, w))
    else:
        put(buf, blk + off, w, value(rng, w))
    log.append('INDX@%d +%d' % (blk, off))


def one(rng, buf, vol, log):
    recs = vol.records()
    kind = rng.choices(['boot', 'header', 'attr', 'runlist', 'indx',
                        'fixup', 'bytes', 'truncate'],
                       [2, 4, 10, 4, 3, 1, 2, 1])[0]
    if kind == 'boot':
        mutate_boot(rng, buf, vol, log)
        return
    if kind == 'truncate':
        cut = rng.randrange(1, len(buf) // 512) * 512
        del buf[cut:]
        log.append('truncated to %d' % cut)
        return
    if kind == 'bytes':
        k = rng.randrange(vol.mft, min(len(buf), vol.mft + 96 * vol.rec))
        buf[k] ^= 1 << rng.randrange(8)
        log.append('bit flip at %d' % k)
        return
    if kind == 'indx':
        blocks = vol.indx_blocks()
        if blocks:
            blk = rng.choice(blocks)
            if fixups(buf, blk, vol.indx, True):
                mutate_indx(rng, buf, blk, vol.indx, log)
                fixups(buf, blk, vol.indx, False)
            return
        kind = 'attr'
    if not recs:
        return
    rec = rng.choice(recs)
    if kind == 'fixup':
        buf[rec + 510] ^= 0x5a
        log.append('record@%d sector tail' % rec)
        return
    if kind == 'header':
        mutate_record_header(rng, buf, rec, log)
        return
    if not fixups(buf, rec, vol.rec, True):
        return
    if kind == 'runlist':
        mutate_runlist(rng, buf, rec, vol.rec, log)
    else:
        mutate_attribute(rng, buf, rec, vol.rec, log)
    fixups(buf, rec, vol.rec, False)


def main():
    base, outdir, first, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    img = open(base, 'rb').read()
    vol = Volume(bytearray(img))
    for n in range(first, first + count):
        rng = random.Random(n)
        buf = bytearray(img)
        vol.img = buf
        log = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            if len(buf) < 1024:
                break
            one(rng, buf, vol, log)
        open('%s/m%d.img' % (outdir, n), 'wb').write(buf)
        open('%s/m%d.txt' % (outdir, n), 'w').write('\n'.join(log) + '\n')


if __name__ == '__main__':
    main()
