#!/bin/sh
# Every container is on the record: a small NTFS disk converted to VHDX
# (qemu-img) and to an E01 set of several segments (ewfacquire) is
# scanned; acquisition.json names the container and its format, lists
# every file with the SHA-256 sha256sum computes and carries the case
# metadata given to ewfacquire; report.txt and summary.txt name the
# container; --no-image-hash says why there are no hashes; sources lists
# the files.  No image file changes by a byte.
. "$TOP/tests/lib/tap.sh"

command -v qemu-img >/dev/null && command -v ewfacquire >/dev/null || {
	skip "qemu-img or ewfacquire missing (tests/lib/deps.sh)"
	done_testing
	exit
}
mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$TMP/disk.img" ||
    ok 1 "fixture builds"
qemu-img convert -O vhdx "$TMP/disk.img" "$TMP/disk.vhdx"
ok $? "qemu-img converts the disk to VHDX"
# Uncompressed, 40 MiB segments: a set of three files E01..E03.
ewfacquire -u -q -t "$TMP/disk" -C CASE-1630 -E EV-7 -e "Erika Muster" \
    -D "record test" -N "a note" -c none -S 40M -d sha1 "$TMP/disk.img" \
    >"$TMP/ewf.log" 2>&1
ok $? "ewfacquire writes an E01 set"
[ -f "$TMP/disk.E02" ] && [ -f "$TMP/disk.E03" ]
ok $? "the E01 set has several segments"
IMAGES=$(ls "$TMP"/disk.vhdx "$TMP"/disk.E0*)
before_all=$(hash_images)

# check_record DIR IMAGE CONTAINER FORMAT-PREFIX: acquisition.json names
# the container and lists the files with sha256sum's hashes.
check_record() {
	python3 - "$1/acquisition.json" "$2" "$3" "$4" <<'PY'
import glob, hashlib, json, os, sys
doc, image, container, prefix = sys.argv[1:5]
d = json.load(open(doc))
[s] = d['sources']
assert s['container'] == container, s['container']
assert s['format'].startswith(prefix), s['format']
assert s['sector_size'] == 512, s['sector_size']
files = s['files']
base = os.path.splitext(image)[0]
want = sorted(glob.glob(base + '.E0*')) if container == 'ewf' else [image]
assert sorted(f['path'] for f in files) == want, (files, want)
for f in files:
    h = hashlib.sha256(open(f['path'], 'rb').read()).hexdigest()
    assert f['sha256'] == h, (f['path'], f['sha256'], h)
    assert f['size'] == os.path.getsize(f['path'])
assert s['unread_ranges'] == []
PY
}

run scan "$TMP/disk.vhdx" --out "$TMP/vhdx" --quiet
[ "$RC" -eq 0 ] || [ "$RC" -eq 1 ] || [ "$RC" -eq 3 ]
ok $? "scan of the VHDX runs (exit $RC)"
check_record "$TMP/vhdx" "$TMP/disk.vhdx" vhdx VHDX
ok $? "acquisition.json names VHDX and the file's SHA-256 matches sha256sum"
grep -q 'Container: *VHDX' "$TMP/vhdx/report.txt"
ok $? "report.txt names the container"
grep -q "$(sha256sum "$TMP/disk.vhdx" | cut -d' ' -f1)" "$TMP/vhdx/report.txt"
ok $? "report.txt names the file's SHA-256"
grep -q "^source: .*disk.vhdx: VHDX" "$TMP/vhdx/summary.txt"
ok $? "summary.txt has a line for the source with its format"

run scan "$TMP/disk.E01" --out "$TMP/ewf" --quiet --verify-image
[ "$RC" -eq 0 ] || [ "$RC" -eq 1 ] || [ "$RC" -eq 3 ]
ok $? "scan of the E01 set runs (exit $RC)"
check_record "$TMP/ewf" "$TMP/disk.E01" ewf E01
ok $? "acquisition.json lists every segment with the SHA-256 of sha256sum"
python3 - "$TMP/ewf/acquisition.json" <<'PY'
import json, sys
[s] = json.load(open(sys.argv[1]))['sources']
c = s['image_check']
assert c['complete'] in (True, False)
assert c['complete'] or c['note'].startswith('incomplete')
assert c['complete'] and c['md5_match'] == 'matches', c
PY
ok $? "--verify-image puts the image check on the record"
python3 - "$TMP/ewf/acquisition.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))['sources'][0]['acquisition']
assert a['case_number'] == 'CASE-1630', a
assert a['evidence_number'] == 'EV-7', a
assert a['examiner'] == 'Erika Muster', a
assert len(a['md5']) == 32, a
PY
ok $? "acquisition.json carries the E01 case number and examiner"
grep -q 'CASE-1630' "$TMP/ewf/report.txt"
ok $? "report.txt names the E01 case number"
grep -q 'Container: *E01' "$TMP/ewf/report.txt"
ok $? "report.txt names the E01 container"

run scan "$TMP/disk.vhdx" --out "$TMP/nohash" --quiet --no-image-hash
python3 - "$TMP/nohash/acquisition.json" <<'PY'
import json, sys
[f] = json.load(open(sys.argv[1]))['sources'][0]['files']
assert f['sha256'] == '', f
assert f['sha256_note'] == 'not computed: --no-image-hash', f
PY
ok $? "--no-image-hash: no SHA-256, and the record says why"
grep -q 'not computed: --no-image-hash' "$TMP/nohash/report.txt"
ok $? "the report says why the files have no SHA-256"

run sources --json "$TMP/disk.E01"
ok $RC "sources --json on the E01 set exits 0"
python3 - "$TMP/out" "$TMP" <<'PY'
import json, sys
[s] = json.load(open(sys.argv[1]))
assert s['container'] == 'ewf', s['container']
paths = sorted(f['path'] for f in s['files'])
assert len(paths) >= 3 and paths[0].endswith('disk.E01'), paths
assert all(f['role'] == 'segment' for f in s['files'])
assert s['unread_ranges'] == []
PY
ok $? "sources --json lists the container and every segment"
run sources "$TMP/disk.E01"
grep -q '^  container: E01' "$TMP/out" &&
    [ "$(grep -c '^  file: segment ' "$TMP/out")" -ge 3 ]
ok $? "sources names the container and one line per segment"

[ "$before_all" = "$(hash_images)" ]
ok $? "every image file (VHDX and each E01 segment) byte-identical"
report_unchanged
done_testing
