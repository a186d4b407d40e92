#!/bin/sh
# E01 sets: a 3-segment set made with ewfacquire reads as its raw disk and
# checks against its stored hashes; a damaged, incomplete or wrongly given
# set is one clear message with exit 2; no segment ever changes.
. "$TOP/tests/lib/tap.sh"

EDIT="python3 $TOP/tests/lib/ewf-edit.py"
if ! command -v ewfacquire >/dev/null 2>&1; then
	skip "ewfacquire (ewf-tools) is not installed"
	done_testing
	exit
fi

# Base64 text compresses, so every chunk is stored compressed; 3.5 MiB of
# it fills three 1 MiB segments (ewfacquire's smallest).
head -c 2800000 /dev/urandom | base64 -w 0 | head -c 3670016 >"$TMP/disk.raw"
mkdir "$TMP/set"
ewfacquire -u -q -t "$TMP/set/case" -c deflate:fast -S 1048576 -d sha1 \
    -C "CASE-42" -D "mail server" -e "J. Examiner" -E "EV-7" -N "notes" \
    -f encase6 "$TMP/disk.raw" >"$TMP/acquire.log" 2>&1
ok $? "ewfacquire makes an E01 set"
[ "$(ls "$TMP/set" | wc -l)" -eq 3 ]; ok $? "the set has three segments"
SET="$TMP/set/case.E01 $TMP/set/case.E02 $TMP/set/case.E03"
IMAGES="$SET"
# shellcheck disable=SC2086
sha256sum $SET >"$TMP/set.sha256"

# variant NAME: a copy of the set in $TMP/NAME, as $V
variant() {
	V="$TMP/$1"
	mkdir "$V" && cp "$TMP"/set/case.E0* "$V"/
}

run sources "$TMP/set/case.E01"
ok $RC "sources on the set exits 0"
grep -q "^$TMP/set/case.E01: 3670016 bytes" "$TMP/out"
ok $? "the logical disk has the raw disk's size"

run sources --verify-image "$TMP/set/case.E01"
ok $RC "sources --verify-image on an intact set exits 0"
md5=$(md5sum <"$TMP/disk.raw" | cut -d' ' -f1)
sha1=$(sha1sum <"$TMP/disk.raw" | cut -d' ' -f1)
sha256=$(sha256sum <"$TMP/disk.raw" | cut -d' ' -f1)
grep -q "image check: MD5 $md5 (matches the acquisition), SHA-1 $sha1 (matches the acquisition), SHA-256 $sha256, 3670016 bytes read" "$TMP/out"
ok $? "the check's hashes are the raw disk's and match the stored ones"
grep -q "image check: .*: [1-9]0 %" "$TMP/err"; ok $? "progress goes to stderr"

run sources --json --verify-image "$TMP/set/case.E01"
python3 - "$TMP/out" "$md5" "$sha256" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))[0]['image_check']
assert c['complete'] and c['bytes'] == 3670016, c
assert c['md5'] == c['stored_md5'] == sys.argv[2], c
assert c['sha256'] == sys.argv[3], c
assert c['md5_match'] == c['sha1_match'] == 'matches', c
PY
ok $? "sources --json --verify-image gives the same fields"

run sources --verify-image "$TMP/disk.raw"
ok $RC "a raw image checks with nothing stored (exit 0)"
grep -q "MD5 $md5 (nothing stored)" "$TMP/out"; ok $? "it says nothing is stored"

variant forged
$EDIT forge-md5 "$V/case.E03"
IMAGES="$V/case.E01 $V/case.E02 $V/case.E03"
run sources --verify-image "$V/case.E01"
[ "$RC" -eq 1 ]; ok $? "a stored MD5 that differs exits 1"
grep -q "MD5 $md5 (DIFFERS from the acquisition's [0-9a-f]*)" "$TMP/out"
ok $? "the difference is named with both hashes"

variant errors
$EDIT errors "$V/case.E03" 100:28 7160:10
IMAGES="$V/case.E01 $V/case.E02 $V/case.E03"
run sources --verify-image "$V/case.E01"
ok $RC "acquisition read errors do not fail the check"
grep -q "acquisition read errors (zeros in the image, hashed as stored): 2 ranges: 51200+14336 3665920+4096" "$TMP/out"
ok $? "the ranges are listed in bytes, the last clipped to the disk"

variant flipped
# The middle of segment 2 is inside a compressed chunk.
# Inverting the byte (not overwriting it) changes it whatever the random
# content put there.
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(500000); b = f.read(1)[0]; f.seek(500000); f.write(bytes([b ^ 0xff]))' "$V/case.E02"
IMAGES="$V/case.E01 $V/case.E02 $V/case.E03"
run sources --verify-image "$V/case.E01"
[ "$RC" -eq 2 ]; ok $? "a damaged chunk in segment 2 exits 2"
grep -q "image check: INCOMPLETE.*E01 chunk at byte [0-9]* ([0-9]* bytes) fails its checksum" "$TMP/out"
ok $? "it is a read error naming the chunk, not zeros hashed"

variant nosecond
rm "$V/case.E02"
IMAGES="$V/case.E01 $V/case.E03"
run sources "$V/case.E01"
[ "$RC" -eq 2 ]; ok $? "a missing E02 exits 2"
grep -q "E01 set incomplete: segment 2 (case.E02) missing; found 1" "$TMP/err"
ok $? "the missing segment is named"

variant nolast
rm "$V/case.E03"
IMAGES="$V/case.E01 $V/case.E02"
run sources "$V/case.E01"
[ "$RC" -eq 2 ]; ok $? "a missing last segment exits 2"
grep -q "E01 set incomplete: segment 3 (case.E03) missing; found 2" "$TMP/err"
ok $? "the missing last segment is named"

variant short
truncate -s 600000 "$V/case.E02"
IMAGES="$V/case.E01 $V/case.E02 $V/case.E03"
run sources "$V/case.E01"
[ "$RC" -eq 2 ]; ok $? "a truncated E02 exits 2"
grep -q "E01 segment 2 (case.E02) damaged or truncated: the file ends at byte 600000" "$TMP/err"
ok $? "the truncated segment is named"

variant shortlast
truncate -s "$(($(stat -c %s "$V/case.E03") - 1))" "$V/case.E03"
IMAGES="$V/case.E01 $V/case.E02 $V/case.E03"
run sources "$V/case.E01"
[ "$RC" -eq 2 ]; ok $? "a last segment one byte short exits 2"
grep -q "E01 segment 3 (case.E03) damaged or truncated" "$TMP/err"
ok $? "the damaged last segment is named"

IMAGES="$SET"
run sources "$TMP/set/case.E02"
[ "$RC" -eq 2 ]; ok $? "E02 given first exits 2"
grep -q "E01: this is segment 2 of a set; give the first segment (NAME.E01)" "$TMP/err"
ok $? "it asks for the first segment"

printf 'EVF2\r\n\201\000\002\001\001\000\001\000\000\000' >"$TMP/new.Ex01"
head -c 4096 /dev/zero >>"$TMP/new.Ex01"
IMAGES="$TMP/new.Ex01"
run sources "$TMP/new.Ex01"
[ "$RC" -eq 2 ]; ok $? "an Ex01 exits 2"
grep -q "Ex01 (EWF2) is not read by this libewf; export it as E01" "$TMP/err"
ok $? "it says how to get an E01"

sha256sum -c --quiet "$TMP/set.sha256"
ok $? "the set's segments are as ewfacquire wrote them"
[ "${UNCHANGED_CHECKS:-0}" -eq 13 ]
ok $? "each of the 13 runs left every segment it read unchanged"
done_testing
