#!/bin/sh
# Optional check on real data, not part of `make check`: plaso's VSS test
# image (an NTFS volume "vsstest" made by Windows, with two shadow copies,
# in a qcow2) when it is at $VSS_SAMPLE (default
# /tmp/real/plaso-vsstest.qcow2; never committed).  Expected values were
# checked with libvshadow's vshadowinfo and, for file content, with The
# Sleuth Kit's icat on the live volume.
#   TOP=$PWD EXHUME=$PWD/build/rel/exhume sh tests/eval/vss.sh
: "${TOP:=$(pwd)}"
: "${EXHUME:=$TOP/build/rel/exhume}"
export EXHUME TOP
. "$TOP/tests/lib/tap.sh"
SAMPLE=${VSS_SAMPLE:-/tmp/real/plaso-vsstest.qcow2}
if [ ! -f "$SAMPLE" ]; then
	skip "no sample at $SAMPLE"
	done_testing
	exit 0
fi
IMAGES=$SAMPLE
S1=600f0b69-5bdf-11e3-9d6c-005056c00008
S2=600f0b6d-5bdf-11e3-9d6c-005056c00008

run sources "$SAMPLE"
[ "$RC" -eq 0 ]; ok $? "sources: exit 0"
grep -q '^      shadow copies: 2 (VSS)$' "$TMP/out"; ok $? "two stores"
grep -q "{$S1} created 2013-12-03T06:35:09.7363787Z, 1073741824 bytes" \
    "$TMP/out"; ok $? "store 1 as vshadowinfo shows it"
grep -q "{$S2} created 2013-12-03T06:37:48.9190583Z, 1073741824 bytes" \
    "$TMP/out"; ok $? "store 2 as vshadowinfo shows it"
run sources --json "$SAMPLE"
grep -q "\"snapshots\":\[{\"index\":1,\"guid\":\"$S1\"" "$TMP/out"
ok $? "JSON snapshots"

# name sha256 of every file of the listing in $TMP/out
names() {
	sed -n 's/^{"path":"[^\\]*\\\\\([^"]*\)","stream":"".*"sha256":"\([0-9a-f]*\)".*/\1 \2/p' \
	    "$TMP/out" | grep -v '^System Volume Information' | sort
}
SYSLOG=0420b023f8dc1b71ff25191ce4ce88d10028f99f99f7c21532611f4c273aeae9
GZ=841c1522cad7c594eb63c6544f9ea22a08dc56351f17b6fe14149dfd4b4fb64c
ANOTHER=c7fbc0e821c0871805a99584c6a384533909f68a6bbe9a2a687d28d9f3b10c16
PASSWORD=02a2a6af2f1ecf4720d7d49d640f0d0a269a7ec733e41973bdd34f09dad0e252

run files "$SAMPLE" --snapshot 1 --jsonl --hash
[ "$RC" -eq 0 ]; ok $? "files --snapshot 1: exit 0"
[ "$(names)" = "syslog $SYSLOG" ]
ok $? "store 1 holds only syslog (the uncompressed live syslog.gz)"
run files "$SAMPLE" --snapshot 2 --jsonl --hash
[ "$RC" -eq 0 ]; ok $? "files --snapshot 2: exit 0"
[ "$(names)" = "$(printf 'another_file %s\nsyslog.gz %s' "$ANOTHER" "$GZ")" ]
ok $? "store 2 holds another_file and syslog.gz, as live"
run files "$SAMPLE" --jsonl --hash
[ "$(names)" = "$(printf 'another_file %s\npassword.txt %s\nsyslog.gz %s' \
    "$ANOTHER" "$PASSWORD" "$GZ")" ]
ok $? "live: password.txt is only there"
run files "$SAMPLE" --snapshot 3 --jsonl
[ "$RC" -eq 2 ]; ok $? "--snapshot 3: exit 2"
grep -q 'volume 1 has 2 shadow copies' "$TMP/err"; ok $? "and says why"

# Store 1's block list damaged (six bytes changed in a raw copy): the
# store is listed with a note, exit 2; store 2 is still read.
if command -v qemu-img >/dev/null 2>&1 &&
    qemu-img convert -O raw "$SAMPLE" "$TMP/damaged.raw"; then
	python3 - "$TMP/damaged.raw" <<'PY'
import sys
with open(sys.argv[1], 'r+b') as f:
    for off, val in ((0x315646ce, 0o130), (0x31564d53, 0o377),
                     (0x31565743, 0o302), (0x31566cb3, 0o261),
                     (0x31566f54, 0o377), (0x31567938, 0o377)):
        f.seek(off)
        f.write(bytes([val]))
PY
	IMAGES="$SAMPLE $TMP/damaged.raw"
	run sources "$TMP/damaged.raw"
	[ "$RC" -eq 2 ]; ok $? "damaged store: sources exits 2"
	grep -q '^          VSS store damaged: ' "$TMP/out"
	ok $? "damaged store: one note under the store"
	run files "$TMP/damaged.raw" --snapshot 1 --jsonl
	[ "$RC" -eq 2 ] && [ "$(grep -c 'VSS store damaged' "$TMP/err")" -eq 1 ]
	ok $? "damaged store: files --snapshot 1 gives one message, exit 2"
	run files "$TMP/damaged.raw" --snapshot 2 --jsonl
	[ "$RC" -eq 0 ] && grep -q 'another_file' "$TMP/out"
	ok $? "damaged store 1: store 2 is still listed"
else
	skip "qemu-img cannot make the raw copy"
fi
[ "${UNCHANGED_CHECKS:-0}" -gt 0 ]; ok $? "sample unchanged by every run"
done_testing
