#!/bin/sh
# exhume sources and files on every kind of source, including broken ones:
# clear messages, exit statuses from exhume(8), nothing written.
. "$TOP/tests/lib/tap.sh"

for spec in basic nopart partition-only corrupt truncated; do
	mkimage "$TOP/tests/fixtures/$spec.spec" "$TMP/$spec.img" ||
	    ok 1 "fixture $spec builds"
done
IMAGES="$TMP/basic.img $TMP/nopart.img $TMP/partition-only.img $TMP/corrupt.img $TMP/truncated.img"

run sources "$TMP/basic.img"
ok $RC "sources on a GPT disk image exits 0"
grep -q 'gpt' "$TMP/out"; ok $? "the GPT table is named"
grep -q 'BitLocker-encrypted' "$TMP/out"; ok $? "the BitLocker partition is flagged"
grep -q 'not NTFS (vfat): skipped' "$TMP/out"; ok $? "the FAT partition is listed with the reason it is skipped"
grep -q 'Windows system volume' "$TMP/out"; ok $? "the Windows system volume is recognised"

run sources --json "$TMP/basic.img"
python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
parts = d[0]['partitions']
kinds = [p['fs'] for p in parts]
assert kinds.count('ntfs') == 2, kinds
assert any(p['bitlocker'] for p in parts)
assert d[0]['ro_method'].startswith('image file opened O_RDONLY')
assert parts[0]['offset'] == 2048 * 512
PY
ok $? "sources --json gives partitions, BitLocker flag and read-only method"

run sources "$TMP/nopart.img"
ok $RC "a disk without partition table or filesystem is listed (exit 0)"
grep -q 'no partition table' "$TMP/out"; ok $? "it says there is no partition table"

run files "$TMP/partition-only.img" --jsonl
ok $RC "files on a bare NTFS partition image exits 0"

run sources "$TMP/does-not-exist.img"
[ "$RC" -eq 2 ]; ok $? "a missing path exits 2"
[ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -q 'does-not-exist.img: no such file' "$TMP/err"
ok $? "with one clear line naming it"

run files "$TMP" --jsonl
[ "$RC" -eq 2 ] && grep -q 'is a directory' "$TMP/err"
ok $? "a directory given as image exits 2 with 'is a directory'"

run sources /dev/null
[ "$RC" -eq 2 ] && grep -q 'not a regular file or block device' "$TMP/err"
ok $? "a device that is not a disk (/dev/null) exits 2 with a clear line"

run files "$TMP/basic.img" --jsonl --bodyfile
[ "$RC" -eq 2 ]; ok $? "conflicting output formats are a usage error (exit 2)"

run files "$TMP/corrupt.img" --jsonl --hash
[ "$RC" -eq 3 ]; ok $? "a volume with damaged records completes with exit 3"
grep -q 'MFT record' "$TMP/err"; ok $? "the damaged record is named by its MFT number"
grep -q '"status":"corrupt"' "$TMP/out"; ok $? "the damaged record is listed with status corrupt"
grep -q '"status":"ok"' "$TMP/out"; ok $? "healthy files around it are still listed"

run files "$TMP/truncated.img" --jsonl
[ "$RC" -eq 2 ] || [ "$RC" -eq 3 ]; ok $? "a truncated image gives exit 2 or 3, not a crash (got $RC)"
[ -s "$TMP/err" ]; ok $? "and says what is wrong"

run files "$TMP/basic.img" --volume 1 --bodyfile
ok $RC "files --bodyfile exits 0"
mactime -b "$TMP/out" -d > "$TMP/mactime.csv" 2>/dev/null
grep -q 'inetpub' "$TMP/mactime.csv" || grep -q 'Users' "$TMP/mactime.csv"
ok $? "mactime reads the body file"

run files "$TMP/basic.img" --volume 9 --jsonl
[ "$RC" -eq 2 ]; ok $? "--volume beyond the last NTFS volume exits 2"

report_unchanged
done_testing
