#!/bin/sh
# The shipped Exchange tables (rules/exchange-updates.tsv, rules/exposure.tsv)
# are exactly what rules/tools/exchange-tables.py makes of our transcription
# rules/tools/exchange-knowledge.md, so a refresh of the facts never needs C
# and never drifts from its source; bad input is refused with its line.
. "$TOP/tests/lib/tap.sh"

GEN="$TOP/rules/tools/exchange-tables.py"
SRC="$TOP/rules/tools/exchange-knowledge.md"

mkdir -p "$TMP/out"
python3 "$GEN" --input "$SRC" --outdir "$TMP/out" 2>"$TMP/err"
ok $? "the refresh script runs on the shipped transcription"
cmp -s "$TMP/out/exchange-updates.tsv" "$TOP/rules/exchange-updates.tsv"
ok $? "rules/exchange-updates.tsv is byte for byte what the script makes"
cmp -s "$TMP/out/exposure.tsv" "$TOP/rules/exposure.tsv"
ok $? "rules/exposure.tsv is byte for byte what the script makes"

grep -q '^asof	2026-09	Sep26SUv2$' "$TOP/rules/exchange-updates.tsv" &&
    [ "$(grep -c '^source	' "$TOP/rules/exchange-updates.tsv")" -ge 3 ]
ok $? "the table carries its date and its sources"

grep -q '^release	2016	CU23	Dec25SU	15.1.2507.63	2025-12-09	KB5071873	esu	' \
    "$TOP/rules/exchange-updates.tsv"
ok $? "a 2016 update released after 2025-10-14 is marked as an ESU build"

# The old family rows keep coverage.c's format, CVE rows follow it.
grep -q '^proxylogon	2021-01-03	' "$TOP/rules/exposure.tsv" &&
    grep -q '^CVE-2026-42897	2026-05-14	' "$TOP/rules/exposure.tsv"
ok $? "exposure.tsv: family lines unchanged, exploited CVEs added"

# A long build that is not the short one padded is refused with its line.
sed 's/| 15.2.2562.17 | 15.02.2562.017 |/| 15.2.2562.17 | 15.02.2562.018 |/' \
    "$SRC" >"$TMP/bad.md"
python3 "$GEN" --input "$TMP/bad.md" --outdir "$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] && grep -q 'bad.md:[0-9]*: long build' "$TMP/err"
ok $? "a mistyped long build number is refused with file and line"

# A CVE fixed by an update no build carries is refused.
sed 's/| CVE-2026-21527 | spoofing | Feb26SU |/| CVE-2026-21527 | spoofing | Feb62SU |/' \
    "$SRC" >"$TMP/bad2.md"
python3 "$GEN" --input "$TMP/bad2.md" --outdir "$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] && grep -q "no build is named 'Feb62SU'" "$TMP/err"
ok $? "a CVE naming an unknown update is refused"

done_testing
