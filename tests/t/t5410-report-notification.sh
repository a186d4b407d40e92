#!/bin/sh
# The report a data-protection officer reads first: the summary for a
# notification decision before any detail, the GDPR Art. 33(3) facts
# (time of awareness, measures, data concerned) from the command line or
# "to be completed", a German report without English catalog text, the
# command line recorded so that it can be pasted back into a shell.
. "$TOP/tests/lib/tap.sh"

mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$TMP/ex.img" ||
    ok 1 "fixture builds"
IMAGES="$TMP/ex.img"

run scan "$TMP/ex.img" --lang de --case "AZ 8/26" --examiner "J. O'Brien" \
    --aware-since "2026-12-07 14:30 MEZ" \
    --measures "Server vom Netz genommen; Passwörter zurückgesetzt" \
    --data-categories "E-Mail-Inhalte, Kontaktdaten" --out "$TMP/de"
[ "$RC" -eq 1 ]; ok $? "scan --lang de with the notification facts finishes (exit $RC)"
R="$TMP/de/report.txt"

# Line numbers of the summary, the case record and what was examined.
sum=$(grep -n '^Zusammenfassung: Fakten für die Entscheidung' "$R" | head -n 1 | cut -d: -f1)
case_at=$(grep -n '^Fall$' "$R" | head -n 1 | cut -d: -f1)
exam_at=$(grep -n '^Was wie untersucht wurde$' "$R" | head -n 1 | cut -d: -f1)
[ "${sum:-0}" -gt 0 ] && [ "${case_at:-0}" -gt 0 ] && [ "${exam_at:-0}" -gt 0 ] &&
    [ "$sum" -lt 5 ] && [ "$sum" -lt "$case_at" ] && [ "$sum" -lt "$exam_at" ]
ok $? "the summary opens the report, before the case record and the details (lines $sum, $case_at, $exam_at)"
head -n "$case_at" "$R" | grep -q 'Web-Shell: Anzeichen gefunden' &&
    head -n "$case_at" "$R" | grep -q 'ProxyLogon:' &&
    head -n "$case_at" "$R" | grep -q 'Es wurde kein Exchange- oder IIS-Protokoll gelesen' &&
    head -n "$case_at" "$R" | grep -q 'nur der Triage-Umfang'
ok $? "the summary names indicator classes, exposure, coverage gaps and what was not examined"
[ "$case_at" -le 45 ]; ok $? "the summary fits one screen and a half ($case_at lines)"
grep -q 'Zeitpunkt der Kenntnisnahme: *2026-12-07 14:30 MEZ' "$R" &&
    grep -q 'Ergriffene Maßnahmen: *Server vom Netz genommen; Passwörter zurückgesetzt' "$R" &&
    grep -q 'Kategorien betroffener Daten: *E-Mail-Inhalte, Kontaktdaten' "$R"
ok $? "German report: time of awareness, measures and data categories as given"
grep -q 'Zeitpunkt der Kenntnisnahme' "$TMP/de/report.html" &&
    grep -q 'Passwörter zurückgesetzt' "$TMP/de/report.html"
ok $? "the same facts in report.html"
python3 - "$TMP/de/acquisition.json" <<'PY'
import json, sys
n = json.load(open(sys.argv[1]))["notification"]
sys.exit(0 if n == {"aware_since": "2026-12-07 14:30 MEZ",
    "measures": "Server vom Netz genommen; Passwörter zurückgesetzt",
    "data_categories": "E-Mail-Inhalte, Kontaktdaten"} else 1)
PY
ok $? "acquisition.json records them under notification"

# The command line, quoted for sh: pasted back it gives the same words.
python3 - "$TMP/de/acquisition.json" "$TMP/ex.img" <<'PY'
import json, shlex, sys
cl = json.load(open(sys.argv[1]))["command_line"]
w = shlex.split(cl)
ok = (w[:3] == ["exhume", "scan", sys.argv[2]] and
      w[w.index("--examiner") + 1] == "J. O'Brien" and
      w[w.index("--measures") + 1] ==
      "Server vom Netz genommen; Passwörter zurückgesetzt")
print("# " + cl)
sys.exit(0 if ok else 1)
PY
ok $? "the command line splits back into the arguments typed (blank, quote, semicolon)"
grep -qF "'J. O'\\''Brien'" "$R"; ok $? "the report shows the quoted command line"

# No English text of our catalogs is left in the German report.
PYTHONPATH="$TOP/tests/lib" python3 - "$TOP"/po/de/*.po "$R" "$TMP/de/report.html" <<'PY' >"$TMP/english"
import html, re, sys
from catalog import english_pieces
files, reports = sys.argv[1:-2], sys.argv[-2:]
# Phrases of three words and more; not ones German shares.
pieces = english_pieces(files, 3, 16)
text = open(reports[0], encoding="utf-8").read()
page = html.unescape(re.sub(r"<[^>]*>", " ", open(reports[1], encoding="utf-8").read()))
page = re.sub(r"\s+", " ", page)
flat = re.sub(r"\s+", " ", text)
for p in sorted(pieces):
    if p in flat or p in page:
        print(p)
PY
[ ! -s "$TMP/english" ]; ok $? "no English catalog phrase in the German report ($(wc -l <"$TMP/english") found)"
sed 's/^/# /' "$TMP/english" | head -n 20

run scan "$TMP/ex.img" --lang en --out "$TMP/en"
R="$TMP/en/report.txt"
[ "$(grep -c 'to be completed' "$R")" -eq 3 ] &&
    grep -q 'Time of awareness: *to be completed' "$R"
ok $? "English report without the facts: each of the three is \"to be completed\""
python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))["notification"]; sys.exit(0 if n=={"aware_since":"","measures":"","data_categories":""} else 1)' \
    "$TMP/en/acquisition.json"
ok $? "acquisition.json has the three fields empty"
! grep -q 'overflow-wrap:anywhere}' "$TMP/en/report.html" ||
    ! grep -o 'th,td{[^}]*}' "$TMP/en/report.html" | grep -q anywhere
ok $? "table cells break between words; only long paths and hashes break anywhere"
report_unchanged
done_testing
