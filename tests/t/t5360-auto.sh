#!/bin/sh
# exhume auto loses nothing.  On image files (auto --source, as the boot
# image runs it on disks): the result documents are written into
# exhume-<time>/ beside the bundle, before it; an evidence directory too
# small for every stream gives a verified, smaller bundle whose cap was
# lowered to fit, with what was left out named on the console and in the
# bundle; one too small for any bundle still leaves the documents; a disk
# with a mounted file system is skipped with the reason.
# The small evidence partition is simulated: lowspace.so (LD_PRELOAD; under
# ASan with verify_asan_link_order=0) makes statvfs report little free
# space for one directory, since a test cannot mount a small file system.
. "$TOP/tests/lib/tap.sh"
SO=$TOOLS/lowspace.so
DOCS='findings.jsonl summary.txt report.html report.txt timeline.csv acquisition.json'

# A flagged stream of 400 KiB besides the small ones, and a 1 MiB SOFTWARE
# hive early in the plan (hives come before $MFT), so the cap has to choose
# between findings' streams and artefacts of several sizes.
printf '%s\r\n' '<script language="JScript" runat="server">function Page_Load(){eval(Request["big"],"unsafe");}</script>' \
    >"$TMP/shell.txt"
{
	cat "$TOP/tests/fixtures/exchange-basic.spec"
	printf '%s\n' 'file \inetpub\wwwroot\aspnet_client\system_web\4_0_30319\bigshell.aspx size=400K fill=from:shell.txt'
	printf '%s\n' 'file \Windows\System32\config\SOFTWARE size=1M fill=random:9'
} >"$TMP/auto.spec"
mkimage "$TMP/auto.spec" "$TMP/ex.img" || ok 1 "fixture builds"
IMAGES="$TMP/ex.img"

# docs_ok DIR: every document is there and not empty.
docs_ok() {
	for d in $DOCS; do [ -s "$1/$d" ] || return 1; done
}
# stamp: the time stamp of this run, from its result line.
stamp() {
	sed -n 's/^EXHUME-RESULT: .*results in exhume-\([0-9TZ]*\)\/.*/\1/p' \
	    "$TMP/out"
}

# kept_first MANIFEST CAP WHY: what was collected fits under CAP; every
# stream left out was left out for WHY; findings' streams are chosen before
# artefacts, and within each the smaller before the larger, so nothing
# collected is larger than something left out for the cap (plan order would
# let a large early stream crowd out smaller later ones).
kept_first() {
	python3 - "$@" <<'PY'
import json, sys
cap, why = int(sys.argv[2]), sys.argv[3]
got = {True: [], False: []}     # finding stream?
out = {True: [], False: []}
total = 0
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get('reason') in (None, 'document'):
        continue
    f = m.get('reason') == 'finding'
    if m['status'] == 'collected':
        got[f].append(m['source_size']); total += m['size']
    else:
        assert m['why'].startswith(why), m
        out[f].append(m['source_size'])
assert total <= cap, (total, cap)
for f in (True, False):
    if got[f] and out[f]:
        assert max(got[f]) <= min(out[f]), (f, got[f], out[f])
assert not out[True], 'a finding stream was left out: %r' % out[True]
assert 409600 in got[True], 'the 400 KiB flagged stream is missing'
print('# collected %d bytes under a cap of %d; left out %r' % (total, cap, out[False]))
PY
}

# 1. A normal run: documents and bundle, both whole.
mkdir "$TMP/ev"
run auto --evidence-dir "$TMP/ev" --source "$TMP/ex.img" --case T5360 \
    --examiner tester
S=$(stamp)
[ "$RC" -eq 0 ] && [ -n "$S" ]
ok $? "auto on an image exits 0 and its result line names the results folder"
grep -q "^EXHUME-RESULT: findings at warning or above; results in exhume-$S/ (findings.jsonl, summary.txt, report.html, report.txt, timeline.csv, acquisition.json)$" "$TMP/out"
ok $? "the result line names every document"
docs_ok "$TMP/ev/exhume-$S"
ok $? "findings.jsonl, summary.txt, report.html/.txt, timeline.csv, acquisition.json are in exhume-$S/"
B="$TMP/ev/exhume-$S.zip"
grep -q "^EXHUME-BUNDLE: exhume-$S.zip SHA256 $(sha256sum "$B" | cut -d' ' -f1)$" "$TMP/out"
ok $? "EXHUME-BUNDLE names the bundle beside the folder with its SHA-256"
"$EXHUME" verify "$B" >/dev/null 2>&1
ok $? "the bundle verifies"
unzip -p "$B" findings.jsonl | cmp -s - "$TMP/ev/exhume-$S/findings.jsonl"
ok $? "the folder's findings.jsonl is the bundle's"
grep -q ' 0 left out' "$TMP/err" && ! grep -q 'collection cap lowered' "$TMP/err"
ok $? "with room enough nothing is left out and the cap is not lowered"

# The same choice under a cap given to scan: 1,550,000 bytes hold the
# findings' streams, SYSTEM and SOFTWARE in plan order, but then not $MFT;
# smaller first keeps $MFT and leaves out the 1 MiB SOFTWARE hive.
run scan "$TMP/ex.img" --bundle "$TMP/cap.zip" --max-collect 1550000
unzip -p "$TMP/cap.zip" manifest.jsonl >"$TMP/cap-manifest"
[ "$RC" -eq 1 ] && kept_first "$TMP/cap-manifest" 1550000 'size cap' &&
    grep -q '"path":"C:\\\\$MFT".*"status":"collected"' "$TMP/cap-manifest" &&
    grep -q '"path":"C:\\\\Windows\\\\System32\\\\config\\\\SOFTWARE".*"status":"left-out","why":"size cap"' "$TMP/cap-manifest"
ok $? "scan --max-collect: the 1 MiB hive is left out, the smaller \$MFT kept"

if [ ! -f "$SO" ]; then
	skip "needs build/tools/lowspace.so (make tools)"
	report_unchanged
	done_testing
	exit
fi

# lowrun DIR FREE: auto under lowspace.so, DIR reporting FREE bytes free.
lowrun() {
	mkdir "$1"
	before=$(hash_images)
	ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" \
	    EXHUME_LOWSPACE_DIR=$1 EXHUME_LOWSPACE_FREE=$2 LD_PRELOAD=$SO \
	    "$EXHUME" auto --evidence-dir "$1" --source "$TMP/ex.img" \
	    >"$TMP/out" 2>"$TMP/err"
	RC=$?
	[ "$before" = "$(hash_images)" ]
	ok $? "source image unchanged by auto with $2 bytes free"
}

# 2. Room for the documents and about 850 KB of the 2.6 MB of streams (the
# bundle keeps a 32 MiB margin for zip structure and manifest).
lowrun "$TMP/small" $((34 * 1048576))
S=$(stamp)
B="$TMP/small/exhume-$S.zip"
[ "$RC" -eq 0 ] && [ -n "$S" ] && [ -f "$B" ] &&
    ! grep -q 'EXHUME-RESULT: failed' "$TMP/out"
ok $? "a destination too small for every stream: auto still succeeds"
"$EXHUME" verify "$B" >/dev/null 2>&1
ok $? "the smaller bundle verifies"
docs_ok "$TMP/small/exhume-$S"
ok $? "the documents are written beside the smaller bundle"
grep -q '^note: bundle: the destination has room for [0-9]* bytes of collected streams (after [0-9]* for documents, manifest and zip); the plan needs [0-9]*: collection cap lowered to [0-9]* bytes' "$TMP/err"
ok $? "the console says the collection cap was lowered to the free space"
grep -q '^note: bundle: left-out: C:\\$LogFile (2097152 bytes): space: not enough free space on the destination$' "$TMP/err"
ok $? "the console names what was left out (\$LogFile, the largest stream) and why"
unzip -p "$B" manifest.jsonl >"$TMP/manifest"
grep -q '"path":"C:\\\\$LogFile".*"status":"left-out","why":"space: not enough free space on the destination"' "$TMP/manifest"
ok $? "the bundle's manifest lists \$LogFile as left out for space"
unzip -p "$B" report.txt | grep -q 'C:\\$LogFile .*left out .*space: not enough free space'
ok $? "the bundle's report lists \$LogFile as left out for space"
cap=$(sed -n 's/.*collection cap lowered to \([0-9]*\) bytes.*/\1/p' "$TMP/err")
kept_first "$TMP/manifest" "${cap:-0}" 'space'
ok $? "under the cap findings' streams are kept first and the largest artefacts are left out first"

# 3. Not even room for a bundle: the documents are still there.
lowrun "$TMP/tiny" $((16 * 1048576))
S=$(stamp)
[ "$RC" -eq 2 ] && [ -n "$S" ] &&
    grep -q "^EXHUME-RESULT: failed (no bundle; results in exhume-$S/ (findings.jsonl," "$TMP/out"
ok $? "no room for any bundle: exit 2, the result line says so and names the results folder"
docs_ok "$TMP/tiny/exhume-$S"
ok $? "the documents are written although the bundle could not be"
grep -q 'bundle: not enough space' "$TMP/err" &&
    [ -z "$(find "$TMP/tiny" -name '*.zip*')" ]
ok $? "the bundle failed for space and left no file behind"

# 4. Sources that cannot be read or belong to the running system.
mkdir "$TMP/ev4"
run auto --evidence-dir "$TMP/ev4" --source "$TMP/missing.img"
[ "$RC" -eq 2 ] && grep -q 'skipped' "$TMP/err" &&
    grep -q '^EXHUME-RESULT: failed (no usable source)' "$TMP/out" &&
    [ -z "$(ls "$TMP/ev4")" ]
ok $? "a source that cannot be opened is skipped; with none left auto fails and writes nothing"
dev=$(awk '$1 ~ /^\/dev\// { print $1 }' /proc/self/mounts | while read -r d; do
	[ -b "$d" ] && { echo "$d"; break; }; done)
if [ -n "$dev" ]; then
	mkdir "$TMP/ev5"
	run auto --evidence-dir "$TMP/ev5" --source "$dev"
	[ "$RC" -eq 2 ] &&
	    grep -q "^exhume: skipped $dev: in use by the running system, a file system on it is mounted: not examined$" "$TMP/err"
	ok $? "a disk with a mounted file system ($dev) is skipped with the reason"
else
	skip "no mounted block device visible here to show that one is skipped"
fi
report_unchanged
done_testing
