#!/usr/bin/env python3
"""mkvss: write real Volume Shadow Snapshot (VSS) stores into a test image.

Usage: mkvss.py LIVE.img STATE.img GUID TIME [STATE.img GUID TIME ...]

LIVE.img is changed in place.  Each STATE.img is the same disk as it was
when a shadow copy was taken (same partition table and volume size), oldest
first; GUID is the store identifier and TIME the creation time
(2024-01-02T03:04:05[.fffffff]Z).  All images are built by mkfixture.

Written from the published format ("Volume Shadow Snapshot (VSS) format",
libvshadow's documentation): the VSS volume header at volume offset 0x1e00,
one catalog block, and per store a store header with its information, a
block list, a block range list and a bitmap, followed by the data blocks.

Stores chain: reading store K takes a block from store K's block list when
it has one, else from store K+1, and from the live volume after the newest.
So store K holds the 16 KiB blocks in which state K differs from state K+1,
and the newest store those in which it differs from the live volume.  Every
bitmap is zero (no block "not in use"), so nothing is zero-filled and a
store reads back byte-identical to its state image.

Where the stores go: if the live NTFS volume has the files Windows uses,
"\\System Volume Information\\{3808876b-c176-4e48-b7ae-04046e6cc752}" (the
catalog) and "{GUID}{3808876b-...}" per store (mkvss_image in
tests/lib/tap.sh adds them to the live spec), the catalog and each store are
written into the 16 KiB blocks of those files.  Otherwise all goes into free
clusters at the end of the volume (from $Bitmap), which NTFS does not know
are used.  The newest store also holds the old content of every block it
overwrites, and of the block with the volume header, so the stores still
read back as the state images.
"""

import datetime
import re
import struct
import sys
import uuid

BLOCK = 0x4000
HEADER = 128
VSS_GUID = '3808876b-c176-4e48-b7ae-04046e6cc752'
VSS_ID = uuid.UUID(VSS_GUID).bytes_le
VOLUME_HEADER_OFFSET = 0x1e00
DESCRIPTORS_PER_BLOCK = (BLOCK - HEADER) // 32
RANGES_PER_BLOCK = (BLOCK - HEADER) // 24
BITS_PER_BITMAP_BLOCK = (BLOCK - HEADER) * 8
ZERO = bytes(BLOCK)
(RT_VOLUME, RT_CATALOG, RT_BLOCK_LIST, RT_STORE_HEADER, RT_RANGE_LIST,
 RT_BITMAP) = range(1, 7)


def die(msg):
    sys.exit('mkvss: ' + msg)


class Volume:
    """The NTFS partition of an image file: offset and size from the GPT or
    MBR (first partition), or the whole file when there is no table."""

    def __init__(self, path, mode='rb'):
        self.path = path
        self.f = open(path, mode)
        self.base, self.size = self._locate()
        boot = self.read(0, 512)
        if boot[3:11] != b'NTFS    ':
            die(f'{path}: no NTFS volume at byte {self.base}')

    def _locate(self):
        self.f.seek(0, 2)
        file_size = self.f.tell()
        self.f.seek(0)
        head = self.f.read(34 * 512)
        if head[512:520] == b'EFI PART':
            lba, count, esize = struct.unpack_from('<QII', head, 512 + 72)
            self.f.seek(lba * 512)
            table = self.f.read(count * esize)
            for i in range(count):
                e = table[i * esize:(i + 1) * esize]
                if any(e[:16]):
                    first, last = struct.unpack_from('<QQ', e, 32)
                    return first * 512, (last - first + 1) * 512
            die(f'{self.path}: GPT without partitions')
        if head[510:512] == b'\x55\xaa' and head[446 + 4] != 0:
            start, count = struct.unpack_from('<II', head, 446 + 8)
            return start * 512, count * 512
        return 0, file_size

    def read(self, off, n):
        self.f.seek(self.base + off)
        data = self.f.read(n)
        return data + bytes(n - len(data))

    def write(self, off, data):
        self.f.seek(self.base + off)
        self.f.write(data)


class Ntfs:
    """Just enough NTFS to find the clusters of files and of free space."""

    def __init__(self, vol):
        self.vol = vol
        boot = vol.read(0, 512)
        bps, spc = struct.unpack_from('<HB', boot, 0x0b)
        self.cluster = bps * spc
        mft_lcn = struct.unpack_from('<Q', boot, 0x30)[0]
        cpr = struct.unpack_from('<b', boot, 0x40)[0]
        self.rec_size = cpr * self.cluster if cpr > 0 else 1 << -cpr
        first = self._fixup(vol.read(mft_lcn * self.cluster, self.rec_size))
        self.mft_runs, mft_bytes = self._data_runs(first)
        self.nrecords = mft_bytes // self.rec_size

    def _fixup(self, rec):
        if rec[:4] != b'FILE':
            return None
        rec = bytearray(rec)
        usa, count = struct.unpack_from('<HH', rec, 4)
        for i in range(1, count):
            end = i * 512 - 2
            if end + 2 > len(rec):
                break
            rec[end:end + 2] = rec[usa + 2 * i:usa + 2 * i + 2]
        return bytes(rec)

    def record(self, n):
        off = n * self.rec_size
        for vcn_byte, lcn, length in self._run_bytes(self.mft_runs):
            if vcn_byte <= off < vcn_byte + length and lcn is not None:
                return self._fixup(self.vol.read(lcn * self.cluster + off -
                                                 vcn_byte, self.rec_size))
        return None

    def _run_bytes(self, runs):
        vcn = 0
        for lcn, count in runs:
            yield vcn * self.cluster, lcn, count * self.cluster
            vcn += count

    @staticmethod
    def _attributes(rec):
        off = struct.unpack_from('<H', rec, 0x14)[0]
        while off + 16 <= len(rec):
            atype, alen = struct.unpack_from('<II', rec, off)
            if atype == 0xffffffff or alen < 16 or off + alen > len(rec):
                return
            yield atype, rec[off:off + alen]
            off += alen

    @staticmethod
    def _decode_runs(attr):
        off = struct.unpack_from('<H', attr, 0x20)[0]
        runs, lcn = [], 0
        while off < len(attr) and attr[off]:
            hdr = attr[off]
            nlen, nofs = hdr & 0xf, hdr >> 4
            count = int.from_bytes(attr[off + 1:off + 1 + nlen], 'little')
            if nofs:
                lcn += int.from_bytes(attr[off + 1 + nlen:off + 1 + nlen +
                                           nofs], 'little', signed=True)
                runs.append((lcn, count))
            else:
                runs.append((None, count))
            off += 1 + nlen + nofs
        return runs

    def _data_runs(self, rec):
        """Runs and size of the unnamed non-resident $DATA of a record."""
        for atype, attr in self._attributes(rec):
            if atype == 0x80 and attr[8] == 1 and attr[9] == 0:
                return self._decode_runs(attr), \
                    struct.unpack_from('<Q', attr, 0x30)[0]
        return [], 0

    def names(self, rec):
        for atype, attr in self._attributes(rec):
            if atype == 0x30 and attr[8] == 0:
                body = attr[struct.unpack_from('<H', attr, 0x14)[0]:]
                n = body[64]
                yield body[66:66 + 2 * n].decode('utf-16-le', 'replace')

    def files_named(self, pattern):
        """{name: (MFT reference, [(volume offset, offset in file)] of the
        whole 16 KiB blocks of its data)} for in-use files whose name
        matches."""
        found = {}
        for n in range(self.nrecords):
            rec = self.record(n)
            if rec is None or not struct.unpack_from('<H', rec, 0x16)[0] & 1:
                continue
            for name in self.names(rec):
                if re.fullmatch(pattern, name, re.I):
                    runs, _ = self._data_runs(rec)
                    seq = struct.unpack_from('<H', rec, 0x10)[0]
                    found[name.lower()] = (n | seq << 48,
                                           self._whole_blocks(runs))
        return found

    def _whole_blocks(self, runs):
        blocks = []
        for vbyte, lcn, length in self._run_bytes(runs):
            if lcn is None:
                continue
            start = lcn * self.cluster
            first = -(-start // BLOCK) * BLOCK
            for b in range(first, start + length - BLOCK + 1, BLOCK):
                blocks.append((b, vbyte + b - start))
        return blocks

    def free_blocks(self):
        """Volume offsets of 16 KiB blocks whose clusters are all free."""
        rec = self.record(6)
        runs, size = self._data_runs(rec) if rec else ([], 0)
        bitmap = b''.join(self.vol.read(lcn * self.cluster, n * self.cluster)
                          for lcn, n in runs if lcn is not None)[:size]
        per = BLOCK // self.cluster
        total = (self.vol.size - 512) // BLOCK
        free = []
        for b in range(1, total):
            c = b * per
            if all(not bitmap[(c + i) >> 3] >> ((c + i) & 7) & 1
                   for i in range(per)):
                free.append(b * BLOCK)
        return free


def filetime(text):
    m = re.fullmatch(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z',
                     text)
    if not m:
        die(f'{text}: not a time like 2024-01-02T03:04:05[.fffffff]Z')
    t = datetime.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S')
    t = t.replace(tzinfo=datetime.timezone.utc)
    ticks = int((m.group(2) or '0').ljust(7, '0'))
    return int(t.timestamp()) * 10**7 + ticks + 116444736000000000


def block_header(rtype, relative, current, next_offset, info_size=0):
    return (VSS_ID + struct.pack('<IIQQQQ', 1, rtype, relative, current,
                                 next_offset, info_size)).ljust(HEADER, b'\0')


class Area:
    """16 KiB blocks handed out in order, with their offsets relative to
    the start of the store (its file)."""

    def __init__(self, name, blocks):
        self.name, self.blocks, self.used = name, blocks, 0

    def take(self):
        if self.used == len(self.blocks):
            die(f'{self.name}: too small ({len(self.blocks)} blocks of '
                '16 KiB); make it larger')
        self.used += 1
        return self.blocks[self.used - 1]


class Store:
    def __init__(self, index, path, guid, time):
        self.index, self.path = index, path
        try:
            self.guid = uuid.UUID(guid)
        except ValueError:
            die(f'{guid}: not a GUID')
        self.time = filetime(time)
        self.descriptors = []   # (original offset, content)


def store_information(store):
    """The store information after the store header: identifiers derived
    from the store GUID, so a rebuild writes the same bytes."""
    def derived(what):
        return uuid.uuid5(store.guid, what).bytes_le
    machine = 'exhume-mkvss'.encode('utf-16-le')
    return (derived('unknown') + derived('shadow copy') +
            derived('shadow copy set') +
            struct.pack('<IIII', 9, 1, 0x00420009, 0) +
            struct.pack('<H', len(machine)) + machine +
            struct.pack('<H', len(machine)) + machine)


def write_store(live, store, area, volume_size):
    """Lays out and writes one store; returns its catalog offsets."""
    header = area.take()
    nlists = max(1, -(-len(store.descriptors) // DESCRIPTORS_PER_BLOCK))
    lists = [area.take() for _ in range(nlists)]
    ranges_block = area.take()
    nbitmaps = -(-(volume_size // BLOCK) // BITS_PER_BITMAP_BLOCK)
    bitmaps = [area.take() for _ in range(nbitmaps)]
    zero_block, entries = None, []
    for original, content in store.descriptors:
        if content == ZERO:
            if zero_block is None:
                zero_block = area.take()
                live.write(zero_block[0], ZERO)
            data = zero_block
        else:
            data = area.take()
            live.write(data[0], content)
        entries.append(struct.pack('<QQQII', original, data[1], data[0], 0,
                                   0))
    info = store_information(store)
    live.write(header[0], (block_header(RT_STORE_HEADER, header[1], header[0],
                                        0, len(info)) + info).ljust(BLOCK,
                                                                    b'\0'))
    for i, at in enumerate(lists):
        nxt = lists[i + 1][0] if i + 1 < len(lists) else 0
        chunk = entries[i * DESCRIPTORS_PER_BLOCK:
                        (i + 1) * DESCRIPTORS_PER_BLOCK]
        live.write(at[0], (block_header(RT_BLOCK_LIST, at[1], at[0], nxt) +
                           b''.join(chunk)).ljust(BLOCK, b'\0'))
    ranges = []
    for off, rel in area.blocks[:area.used]:
        if ranges and ranges[-1][0] + ranges[-1][2] == off and \
           ranges[-1][1] + ranges[-1][2] == rel:
            ranges[-1][2] += BLOCK
        else:
            ranges.append([off, rel, BLOCK])
    if len(ranges) > RANGES_PER_BLOCK:
        die(f'{area.name}: too fragmented ({len(ranges)} ranges)')
    live.write(ranges_block[0],
               (block_header(RT_RANGE_LIST, ranges_block[1], ranges_block[0],
                             0) + b''.join(struct.pack('<QQQ', *r)
                                           for r in ranges)).ljust(BLOCK,
                                                                   b'\0'))
    for i, at in enumerate(bitmaps):
        nxt = bitmaps[i + 1][0] if i + 1 < len(bitmaps) else 0
        live.write(at[0], block_header(RT_BITMAP, at[1], at[0], nxt).ljust(
            BLOCK, b'\0'))
    return header[0], lists[0][0], ranges_block[0], bitmaps[0][0], \
        area.used * BLOCK


def catalog_block(at, stores, places, volume_size):
    out = block_header(RT_CATALOG, 0, at, 0)
    for seq, (store, place) in enumerate(zip(stores, places), 1):
        header, blocklist, ranges, bitmap, size, ref = place
        out += struct.pack('<QQ16sQQQ', 2, volume_size, store.guid.bytes_le,
                           seq, 0x40, store.time).ljust(128, b'\0')
        out += struct.pack('<QQ16sQQQQQQ', 3, blocklist, store.guid.bytes_le,
                           header, ranges, bitmap, ref, size, 0).ljust(
                               128, b'\0')
    if len(out) > BLOCK:
        die('too many stores for one catalog block')
    return out.ljust(BLOCK, b'\0')


def volume_header(catalog, volume_guid):
    return (VSS_ID + struct.pack('<IIQQQQQ', 1, RT_VOLUME,
                                 VOLUME_HEADER_OFFSET, VOLUME_HEADER_OFFSET,
                                 0, catalog, 0) +
            volume_guid + volume_guid).ljust(512, b'\0')


def place_areas(ntfs, stores):
    """The catalog's and each store's blocks: the Windows-named files in
    System Volume Information when present, else free space."""
    files = ntfs.files_named(r'\{[0-9a-f-]{36}\}\{' + VSS_GUID + r'\}|\{' +
                             VSS_GUID + r'\}')
    catalog = files.get('{' + VSS_GUID + '}')
    wanted = ['{%s}{%s}' % (s.guid, VSS_GUID) for s in stores]
    if catalog and all(w in files for w in wanted):
        return (Area('catalog file', catalog[1]),
                [(Area(w, files[w][1]), files[w][0]) for w in wanted])
    missing = [w for w in wanted if w not in files]
    if catalog or len(missing) < len(wanted):
        die('System Volume Information has some of the VSS files but not '
            'all; missing: ' + ' '.join(missing or ['{' + VSS_GUID + '}']))
    free = ntfs.free_blocks()
    pool = Area('free space at the end of the volume', [
        (b, b - free[0]) for b in free])
    return pool, [(pool, 0) for _ in stores]


def main(argv):
    if len(argv) < 5 or (len(argv) - 2) % 3:
        sys.exit(__doc__.split('\n\n')[1])
    live = Volume(argv[1], 'r+b')
    stores = [Store(i, *argv[2 + 3 * i:5 + 3 * i])
              for i in range((len(argv) - 2) // 3)]
    states = [Volume(s.path) for s in stores]
    for s in states:
        if s.size != live.size:
            die(f'{s.path}: volume of {s.size} bytes, live has {live.size}')
    ntfs = Ntfs(live)
    catalog_area, areas = place_areas(ntfs, stores)
    reserved = set(b for b, _ in catalog_area.blocks)
    for area, _ in areas:
        reserved.update(b for b, _ in area.blocks)
    catalog_at = catalog_area.take()[0]
    vhdr = volume_header(catalog_at, uuid.uuid5(stores[0].guid,
                                                'volume').bytes_le)

    def live_block(off):
        data = live.read(off, BLOCK)
        if off == 0:
            data = (data[:VOLUME_HEADER_OFFSET] + vhdr +
                    data[VOLUME_HEADER_OFFSET + len(vhdr):])
        return data

    # Store K holds state K's content where it differs from what reading
    # through store K+1 (or, for the newest, the live volume) gives.  The
    # newest store covers every reserved block, whatever it will hold.
    for k, (store, state) in enumerate(zip(stores, states)):
        newer = states[k + 1] if k + 1 < len(states) else None
        for off in range(0, live.size - live.size % BLOCK, BLOCK):
            old = state.read(off, BLOCK)
            if newer is not None:
                if old != newer.read(off, BLOCK):
                    store.descriptors.append((off, old))
            elif off in reserved or old != live_block(off):
                store.descriptors.append((off, old))
    places = []
    for store, (area, ref) in zip(stores, areas):
        places.append(write_store(live, store, area, live.size) + (ref,))
    live.write(catalog_at, catalog_block(catalog_at, stores, places,
                                         live.size))
    live.write(VOLUME_HEADER_OFFSET, vhdr)
    for store in stores:
        print(f'store {store.index + 1} {{{store.guid}}}: '
              f'{len(store.descriptors)} blocks')
    live.f.close()


if __name__ == '__main__':
    main(sys.argv)
