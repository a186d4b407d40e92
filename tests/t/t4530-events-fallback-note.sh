#!/bin/sh
# exhume reads event logs with its own binary XML reader and leaves the
# records it declines to libevtx.  Which parser read a record belongs in
# the record of the run: a System.evtx whose record 1 holds a lone UTF-16
# surrogate (checksums made right again, so the file is whole) goes to
# libevtx, which cannot decode it either: the run note counts it lost and
# says exhume's reader left 1 record to libevtx, in English and in the
# German report.
. "$TOP/tests/lib/tap.sh"

d="$TMP/h"
host_files e2016-cu19-mar21 "$d" &&
printf '%s\n' 'Service Control Manager|System|7045|4|2021-03-03T07:00:00Z|1|evilsvc|abcd' \
    'Service Control Manager|System|7045|4|2021-03-03T07:00:01Z|2|evilsvc|c:\x.exe' \
    >"$d/sys.spec" && "$TOOLS/mkevtx" "$d/sys.spec" "$d/System.evtx" >/dev/null &&
python3 - "$d/System.evtx" <<'PY'
import struct, sys, zlib
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
i = b.index('abcd'.encode('utf-16-le'))
b[i:i + 2] = b'\x00\xd8'		# 'a' becomes a lone high surrogate
c = 4096				# chunk 0 after the file header
free = struct.unpack_from('<I', b, c + 48)[0]
struct.pack_into('<I', b, c + 52, zlib.crc32(b[c + 512:c + free]))
struct.pack_into('<I', b, c + 124,
                 zlib.crc32(bytes(b[c:c + 120]) + bytes(b[c + 128:c + 512])))
open(p, 'wb').write(b)
PY
ok $? "a System.evtx with one record exhume's reader declines"
{
	echo "disk gpt size=48M"
	echo "part ntfs start=2048 size=40M label=SYSTEM"
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM' \
	    'file \Windows\System32\config\SOFTWARE from:SOFTWARE' \
	    'file \Windows\System32\winevt\Logs\System.evtx from:System.evtx'
} >"$d/h.spec" && (cd "$d" && mkimage h.spec "$TMP/h.img")
ok $? "the host image builds"
IMAGES="$TMP/h.img"

run scan "$TMP/h.img" --out "$TMP/en" --quiet
grep -q 'note: event log C:\\Windows\\System32\\winevt\\Logs\\System.evtx: 1 records, .*; 1 lost, .*; exhume.s own reader declined 1 records and left them to libevtx [0-9]*$' "$TMP/err"
ok $? "the run note: 1 record read, 1 lost, 1 left to libevtx by exhume's reader"
run scan "$TMP/h.img" --out "$TMP/de" --lang de --quiet
grep -q 'System.evtx: 1 Einträge, .*; 1 verloren, .*; exhumes eigener Leser lehnte 1 Einträge ab und überließ sie libevtx' "$TMP/de/report.txt"
ok $? "the German report says the same"
report_unchanged
done_testing
