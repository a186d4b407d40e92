#!/bin/sh
# Volume shadow copies (VSS) are read through libvshadow from the same
# read-only source.  This checks that a volume without VSS has no stores
# and no error, and that a forged VSS volume header (at volume offset
# 0x1e00) pointing at a catalog of garbage, or past the volume, gives one
# clear message and exit 2, never a crash.  t1740 checks two real stores
# written by tests/tools/mkvss.py; tests/eval/vss.sh a Windows-made sample.
. "$TOP/tests/lib/tap.sh"
cat >"$TMP/plain.spec" <<'SPEC'
disk gpt size=20M
part ntfs start=2048 size=16M label=DATA
file \inetpub\a.txt text:hello\r\n
SPEC
mkimage "$TMP/plain.spec" "$TMP/plain.img"; ok $? "fixture builds"

# forge IMAGE CATALOG_OFFSET [garbage]: a VSS volume header in partition
# 1 (1 MiB in) naming a catalog at CATALOG_OFFSET of the volume, and
# optionally 16 KiB of garbage there (0xc00000 is free space of this
# fixture; its middle holds the MFT).
forge() {
	cp "$TMP/plain.img" "$1" && python3 - "$@" <<'PY'
import random, struct, sys
img, cat = sys.argv[1], int(sys.argv[2], 0)
base = 1 << 20
vss = bytes.fromhex('6b87083876c1484eb7ae04046e6cc752')
hdr = vss + struct.pack('<IIQQQQQ', 1, 1, 0x1e00, 0x1e00, 0, cat, 0)
hdr += bytes(range(1, 17)) + bytes(range(17, 33))
with open(img, 'r+b') as f:
    f.seek(base + 0x1e00)
    f.write(hdr.ljust(512, b'\0'))
    if len(sys.argv) > 3:
        r = random.Random(1700)
        f.seek(base + cat)
        f.write(bytes(r.randrange(256) for _ in range(16384)))
PY
}
forge "$TMP/garbage.img" 0xc00000 garbage; ok $? "catalog of garbage forged"
forge "$TMP/beyond.img" 0x7fffffffff00; ok $? "catalog past the volume forged"
IMAGES="$TMP/plain.img $TMP/garbage.img $TMP/beyond.img"

crashed() { grep -qE 'Sanitizer|runtime error' "$TMP/err" || [ "$RC" -ge 128 ]; }

run sources "$TMP/plain.img"
[ "$RC" -eq 0 ]; ok $? "sources on a volume without VSS: exit 0"
! grep -q 'shadow copies' "$TMP/out"; ok $? "no shadow copy line"
run sources --json "$TMP/plain.img"
grep -q '"snapshots":\[\]' "$TMP/out"; ok $? "JSON: an empty snapshots array"
run files "$TMP/plain.img" --snapshot 1 --jsonl
[ "$RC" -eq 2 ]; ok $? "files --snapshot 1 without VSS: exit 2"
grep -q 'volume 1 has 0 shadow copies' "$TMP/err"; ok $? "and says there are none"
[ ! -s "$TMP/out" ]; ok $? "and lists nothing"

for img in garbage beyond; do
	run sources "$TMP/$img.img"
	[ "$RC" -eq 2 ]; ok $? "sources, $img catalog: exit 2 (got $RC)"
	! crashed; ok $? "sources, $img catalog: no crash"
	[ "$(grep -c 'VSS catalog damaged' "$TMP/out")" -eq 1 ]
	ok $? "sources, $img catalog: one note that the catalog is damaged"
	grep -q 'NTFS 3.1' "$TMP/out"; ok $? "sources, $img catalog: the live volume is still listed"
	run sources --json "$TMP/$img.img"
	grep -q '"snapshots_error":"[^"]*VSS catalog damaged' "$TMP/out"
	ok $? "JSON, $img catalog: snapshots_error"
	run files "$TMP/$img.img" --snapshot 1 --jsonl
	[ "$RC" -eq 2 ]; ok $? "files --snapshot, $img catalog: exit 2"
	! crashed; ok $? "files --snapshot, $img catalog: no crash"
	[ "$(grep -c 'VSS catalog damaged' "$TMP/err")" -eq 1 ]
	ok $? "files --snapshot, $img catalog: one clear message"
	run files "$TMP/$img.img" --jsonl
	grep -q 'inetpub' "$TMP/out"; ok $? "files, $img catalog: the live volume is still listed"
done
run files "$TMP/garbage.img" --snapshot 1 --jsonl
grep -q 'invalid catalog header identifier' "$TMP/err"
ok $? "the cause is libvshadow's, without its function name"

run files "$TMP/plain.img" --snapshot 0 --jsonl
[ "$RC" -eq 2 ]; ok $? "--snapshot 0 is a usage error"
run files "$TMP/plain.img" "$TMP/garbage.img" --snapshot 1 --jsonl
[ "$RC" -eq 2 ]; ok $? "--snapshot takes one source"
[ "${UNCHANGED_CHECKS:-0}" -gt 0 ]; ok $? "images unchanged by every run"
done_testing
