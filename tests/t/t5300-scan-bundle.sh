#!/bin/sh
# scan --bundle: one zip with the flagged streams, logs, hives and the case
# record; it verifies with exhume and with unzip + sha256sum -c.
. "$TOP/tests/lib/tap.sh"
mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$TMP/ex.img" || ok 1 "fixture builds"
IMAGES="$TMP/ex.img"

run scan "$TMP/ex.img" --bundle "$TMP/case.zip" --case CASE-7 --examiner "J. Doe"
[ "$RC" -eq 1 ]; ok $? "scan with --bundle finishes with exit 1 (findings)"
grep -q '^bundle SHA-256: [0-9a-f]\{64\}$' "$TMP/err"; ok $? "the bundle's SHA-256 is printed"
[ -f "$TMP/case.zip" ] && [ -f "$TMP/case.zip.sha256" ]; ok $? "bundle and side hash exist"
(cd "$TMP" && sha256sum -c --quiet case.zip.sha256); ok $? "the side hash matches (sha256sum -c)"

run verify "$TMP/case.zip"
ok $RC "exhume verify accepts it"

mkdir "$TMP/x" && (cd "$TMP/x" && unzip -q ../case.zip && sha256sum -c --quiet SHA256SUMS)
ok $? "unzip + sha256sum -c SHA256SUMS verifies with no exhume at hand"
grep -q '"path":"C:\\\\inetpub\\\\wwwroot\\\\aspnet_client\\\\system_web\\\\4_0_30319\\\\supp0rt.aspx"' "$TMP/x/manifest.jsonl"
ok $? "the planted web shell is collected with its original path"
grep 'supp0rt.aspx' "$TMP/x/manifest.jsonl" | grep -q '"findings":\["F[0-9]*"'
ok $? "and mapped to its finding id"
grep -q '"stream":"hidden"' "$TMP/x/manifest.jsonl"; ok $? "the ADS shell is collected as its own entry"
grep -q '"reason":"hive"' "$TMP/x/manifest.jsonl"; ok $? "the SYSTEM hive is collected"
grep -q '"reason":"ntfs-metadata"' "$TMP/x/manifest.jsonl"; ok $? "\$MFT and \$LogFile are collected raw"
grep -q '"case":"CASE-7"' "$TMP/x/acquisition.json" && grep -q '"examiner":"J. Doe"' "$TMP/x/acquisition.json"
ok $? "acquisition.json records case and examiner"
grep -q '"read_only_method":"image file opened O_RDONLY"' "$TMP/x/acquisition.json"
ok $? "and how the source was kept read-only"
[ -s "$TMP/x/findings.jsonl" ]; ok $? "findings.jsonl is in the bundle"
python3 - "$TMP/x/timeline.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8')))
assert rows, 'empty timeline'
assert set(['message', 'datetime', 'timestamp', 'timestamp_desc']) <= set(rows[0])
times = [r['datetime'] for r in rows]
assert times == sorted(times), 'not in time order'
assert any(r['timestamp_desc'] == '$SI Creation Time' and
           r['path'].endswith('supp0rt.aspx') for r in rows)
assert any(r['timestamp_desc'] == '$FN Creation Time' for r in rows)
PY
ok $? "timeline.csv has Timesketch columns, time order, and the web shell's \$SI/\$FN times"

printf 'infected\n' >"$TMP/pw"
run scan "$TMP/ex.img" --bundle "$TMP/pw.zip" --zip-password-file "$TMP/pw"
run verify "$TMP/pw.zip" --password-file "$TMP/pw"
ok $RC "a password-protected bundle verifies with its password"
(cd "$TMP" && unzip -p pw.zip acquisition.json manifest.jsonl 2>/dev/null; cat pw.zip) |
    grep -aq infected
[ $? -ne 0 ]; ok $? "the password appears nowhere in the bundle"

run scan "$TMP/ex.img" --bundle "$TMP/case.zip"
[ "$RC" -eq 2 ]; ok $? "an existing bundle is never overwritten (exit 2)"
# A run killed before its renames leaves a partial file; the next run names it.
: >"$TMP/next.zip.partial-Zq81Kx"
run scan "$TMP/ex.img" --bundle "$TMP/next.zip"
grep -q '^note: next.zip.partial-Zq81Kx: a partial file left by an interrupted bundle run' "$TMP/err"
ok $? "the next scan --bundle names a stale partial file of the same bundle name"
[ -f "$TMP/next.zip.partial-Zq81Kx" ]; ok $? "and leaves it in place"
report_unchanged
done_testing
