#!/bin/sh
# The change journal, $Extend\$UsnJrnl:$J, listed by files --usn: records
# of versions 2, 3 and 4 written by mkfixture behind a 4 GiB sparse head
# (skipped through the runlist, never read), a damaged record counted and
# passed over, a hostile name escaped, and a volume without a journal
# listed as empty with a note.  libfsntfs's fsntfsinfo, an independent
# parser, must read the same records.
. "$TOP/tests/lib/tap.sh"

# The journal bytes: records as Windows writes them (8-byte aligned, a
# page's tail zero-padded), one damaged length, one name with an escape
# character.
python3 - >"$TMP/j.hex" <<'PY'
import struct
T = 132580000000000000      # 2021-02-17T01:46:40Z
def v2(mft, seq, usn, reason, name, t=T):
    n = name.encode('utf-16le'); size = (60 + len(n) + 7) // 8 * 8
    b = struct.pack('<IHHQQqqIIIIHH', size, 2, 0, seq << 48 | mft,
                    5 << 48 | 5, usn, t, reason, 0, 260, 0x20, len(n), 60)
    return (b + n).ljust(size, b'\0')
def v3(mft, seq, usn, reason, name):
    n = name.encode('utf-16le'); size = (76 + len(n) + 7) // 8 * 8
    b = struct.pack('<IHHQQQQqqIIIIHH', size, 3, 0, seq << 48 | mft, 0,
                    5 << 48 | 5, 0, usn, T + 10**7, reason, 0, 0, 0x20,
                    len(n), 76)
    return (b + n).ljust(size, b'\0')
def v4(mft, usn):
    b = struct.pack('<IHHQQQQqIIIHH', 96, 4, 0, 3 << 48 | mft, 0,
                    5 << 48 | 5, 0, usn, 1, 0, 0, 2, 16)
    return b + struct.pack('<qqqq', 0, 4096, 8192, 4096)
page = v2(64, 1, 0, 0x100, 'shell.aspx') + \
    v2(64, 1, 80, 0x80000200, 'shell.aspx', T + 2 * 10**7) + \
    v3(65, 2, 160, 0x2000, 'web.config') + v4(66, 256)
bad = bytearray(v2(67, 1, 352, 0x100, 'lost.txt')); bad[0] = 0x61
page += bytes(bad) + v2(68, 1, 432, 0x100, 'esc\x1b[31m.txt')
page = page.ljust(4096, b'\0')
page += v2(69, 1, 4096, 0x80000000, 'next-page.txt')
print(page.hex())
PY
ok $? "journal bytes generated"
{
	echo 'disk none'
	echo 'part ntfs start=0 size=32M'
	echo 'file \$Extend\$UsnJrnl text:'
	printf 'ads \\$Extend\\$UsnJrnl:$J hole=4G hex:%s\n' "$(cat "$TMP/j.hex")"
} >"$TMP/usn.spec"
mkimage "$TMP/usn.spec" "$TMP/usn.img"; ok $? "fixture with a journal builds"
cat >"$TMP/plain.spec" <<'SPEC'
disk none
part ntfs start=0 size=16M
file \inetpub\a.txt text:hello\r\n
SPEC
mkimage "$TMP/plain.spec" "$TMP/plain.img"; ok $? "fixture without one builds"
IMAGES="$TMP/usn.img $TMP/plain.img"

run files "$TMP/usn.img" --usn
[ "$RC" -eq 3 ]; ok $? "a damaged record makes the listing partial: exit 3"
[ "$(wc -l <"$TMP/out")" -eq 6 ]; ok $? "six records listed"
grep -q '^2021-02-17T01:46:40.0000000Z	0	FILE_CREATE	64-1	5-5	shell.aspx$' \
    "$TMP/out"; ok $? "v2: time, USN, reason, file and parent, name"
grep -q '	80	FILE_DELETE|CLOSE	64-1	5-5	shell.aspx$' "$TMP/out"
ok $? "the deletion of the same file"
grep -q '^2021-02-17T01:46:41.0000000Z	160	RENAME_NEW_NAME	65-2	5-5	web.config$' \
    "$TMP/out"; ok $? "v3: 128-bit references read"
grep -q '^-	256	DATA_OVERWRITE	66-3	5-5	$' "$TMP/out"
ok $? "v4: no time, no name"
grep -q '	4096	CLOSE	69-1	5-5	next-page.txt$' "$TMP/out"
ok $? "the record of the next page, after the padding"
! grep -q 'lost.txt' "$TMP/out"; ok $? "the damaged record is not listed"
! grep -q "$(printf '\033')" "$TMP/out"; ok $? "the escape character is escaped"
grep -q 'records, 1 damaged, .* 4294967296 sparse bytes skipped' "$TMP/err"
ok $? "counts on stderr: 1 damaged, the 4 GiB head skipped unread"
grep -q '6 records, 1 damaged, 4184 bytes read' "$TMP/err"
ok $? "only the journal's data was read"

run files "$TMP/usn.img" --usn --jsonl
[ "$RC" -eq 3 ]; ok $? "JSON lines: exit 3 too"
python3 - "$TMP/out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 6, rows
r = rows[0]
assert (r['time'], r['usn'], r['reasons'], r['mft'], r['seq'],
        r['parent_mft'], r['parent_seq'], r['name'], r['version']) == \
    ('2021-02-17T01:46:40.0000000Z', 0, 'FILE_CREATE', 64, 1, 5, 5,
     'shell.aspx', 2), r
assert rows[3]['time'] is None and rows[3]['version'] == 4
assert rows[4]['name'] == 'esc\x1b[31m.txt'
# Timesketch imports the lines as they are: message, datetime, timestamp
# (microseconds since 1970) and timestamp_desc on every row.
assert (r['message'], r['datetime'], r['timestamp'], r['timestamp_desc']) == \
    ('shell.aspx (FILE_CREATE)', '2021-02-17T01:46:40.0000000Z',
     1613526400000000, 'USN record'), r
PY
ok $? "JSON lines parse, with the same fields and Timesketch's columns"

run files "$TMP/plain.img" --usn
[ "$RC" -eq 0 ]; ok $? "no journal: exit 0"
[ ! -s "$TMP/out" ]; ok $? "no journal: nothing listed"
grep -q 'no \$UsnJrnl on this volume' "$TMP/err"; ok $? "no journal: a note"

run files "$TMP/usn.img" --usn --bodyfile
[ "$RC" -eq 2 ]; ok $? "--usn with --bodyfile is a usage error"
run files "$TMP/usn.img" --usn --hash
[ "$RC" -eq 2 ]; ok $? "--usn with --hash is a usage error"

# fsntfsinfo (libfsntfs 20200921) reads version 2 records only: it gets a
# journal of those.
python3 - >"$TMP/v2.hex" <<'PY'
import struct
out = b''
for i, (reason, name) in enumerate([(0x100, 'a.aspx'), (0x2, 'a.aspx'),
                                    (0x80000200, 'a.aspx'),
                                    (0x1000, 'b.js'), (0x2000, 'c.js')]):
    n = name.encode('utf-16le'); size = (60 + len(n) + 7) // 8 * 8
    out += (struct.pack('<IHHQQqqIIIIHH', size, 2, 0, 1 << 48 | 70 + i,
                        5 << 48 | 5, len(out), 132580000000000000 + i,
                        reason, 0, 0, 0x20, len(n), 60) + n).ljust(size, b'\0')
print(out.hex())
PY
sed "s/hex:.*/hex:$(cat "$TMP/v2.hex")/" "$TMP/usn.spec" >"$TMP/v2.spec"
mkimage "$TMP/v2.spec" "$TMP/v2.img"; ok $? "fixture with a version 2 journal builds"
IMAGES="$IMAGES $TMP/v2.img"
if command -v fsntfsinfo >/dev/null 2>&1; then
	run files "$TMP/v2.img" --usn
	[ "$RC" -eq 0 ]; ok $? "version 2 journal: exit 0"
	awk -F'\t' '{ print $2, $4, $5, $6 }' "$TMP/out" >"$TMP/ours"
	fsntfsinfo -U "$TMP/v2.img" 2>/dev/null | awk -F'\t+: ' '
	    /Update sequence number/ { u = $2 }
	    /^\tName/ { n = $2 }
	    /^\tFile reference/ { f = $2 }
	    /Parent file reference/ { print u, f, $2, n }' >"$TMP/theirs"
	[ "$(wc -l <"$TMP/theirs")" -eq 5 ] && cmp -s "$TMP/ours" "$TMP/theirs"
	ok $? "fsntfsinfo -U: the same USNs, references and names"
else
	skip "fsntfsinfo not installed (libfsntfs-utils)"
	skip "fsntfsinfo not installed (libfsntfs-utils)"
fi
[ "${UNCHANGED_CHECKS:-0}" -gt 0 ]; ok $? "images unchanged by every run"
done_testing
